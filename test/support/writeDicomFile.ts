import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StudyRecord } from '../../subgraphs/region/StudyRecord';

/** Where a test file puts the NHS number: each way PACS in England do it. */
export type Placement =
  | 'patientId-NHS'
  | 'patientId-OID'
  | 'otherPatientIdsSequence-NHS'
  | 'otherPatientIdsSequence-OID'
  | 'patientId-no-issuer'
  | 'otherPatientIds-retired';

export interface DicomFileOptions {
  placement: Placement;
  /** Written into StudyTime (0008,0030) as is, e.g. "10" (hour only). Default: the record's time as HHMMSS. */
  studyTime?: string;
  patientName?: string;
  /** Specific Character Set; ISO_IR 100 files are written in Latin-1 bytes. @default ISO_IR 192 */
  charset?: 'ISO_IR 192' | 'ISO_IR 100';
  /** NHS number to write instead of the record's (e.g. one with a wrong check digit). */
  nhsNumber?: string;
}

const NHS_OID = '2.16.840.1.113883.2.1.4.1';

function el(tag: string, vr: string, value: string | number | null): string {
  return value === null ? '' : `(${tag}) ${vr} [${value}]\n`;
}

function seq(tag: string, items: string[]): string {
  return `(${tag}) SQ (Sequence with undefined length #=${items.length})\n${items
    .map((i) => `(fffe,e000) na (Item with undefined length #=1)\n${i}(fffe,e00d) na (ItemDelimitationItem)\n`)
    .join('')}(fffe,e0dd) na (SequenceDelimitationItem)\n`;
}

function patientIds(nhs: string, local: string, placement: Placement): string {
  const other = (issuer: string) => seq('0010,1002', [el('0010,0020', 'LO', nhs) + el('0010,0021', 'LO', issuer)]);
  switch (placement) {
    case 'patientId-NHS':
      return el('0010,0020', 'LO', nhs) + el('0010,0021', 'LO', 'NHS');
    case 'patientId-OID':
      return el('0010,0020', 'LO', nhs) + el('0010,0021', 'LO', NHS_OID);
    case 'otherPatientIdsSequence-NHS':
      return el('0010,0020', 'LO', local) + el('0010,0021', 'LO', 'RA1') + other('NHS');
    case 'otherPatientIdsSequence-OID':
      return el('0010,0020', 'LO', local) + el('0010,0021', 'LO', 'RA1') + other(NHS_OID);
    case 'patientId-no-issuer':
      return el('0010,0020', 'LO', nhs);
    case 'otherPatientIds-retired':
      return el('0010,0020', 'LO', local) + el('0010,0021', 'LO', 'RA1') + el('0010,1000', 'LO', nhs);
    default: {
      const never: never = placement;
      throw new Error(`unknown placement ${String(never)}`);
    }
  }
}

/** The text dump (dcmdump format, ascending tags) of one instance of each series of the study. */
export function dicomDumps(study: StudyRecord, options: DicomFileOptions): Buffer[] {
  const charset = options.charset ?? 'ISO_IR 192';
  const series = study.series && study.series.length > 0 ? study.series : [{ seriesInstanceUid: `${study.studyInstanceUid}.1`, seriesNumber: 1, modality: study.modalities[0] ?? 'OT', description: null, bodyPartExamined: null, instanceCount: 1 }];
  return series.map((s, i) => {
    const time = options.studyTime ?? study.studyTime?.replaceAll(':', '') ?? null;
    const institution = study.odsCode
      ? el('0008,0080', 'LO', study.organisationName) +
        seq('0008,0082', [el('0008,0100', 'SH', study.odsCode) + el('0008,0102', 'SH', 'ODS') + el('0008,0104', 'LO', study.organisationName)])
      : '';
    const dump =
      el('0008,0005', 'CS', charset) +
      el('0008,0016', 'UI', '1.2.840.10008.5.1.4.1.1.7') +
      el('0008,0018', 'UI', `${s.seriesInstanceUid}.1`) +
      el('0008,0020', 'DA', study.studyDate?.replaceAll('-', '') ?? null) +
      el('0008,0030', 'TM', time) +
      el('0008,0050', 'SH', study.accessionNumber) +
      el('0008,0060', 'CS', s.modality) +
      institution +
      el('0008,0090', 'PN', study.referringPhysicianName) +
      el('0008,1030', 'LO', study.description) +
      el('0008,103e', 'LO', s.description) +
      el('0010,0010', 'PN', options.patientName ?? 'Test^Patient') +
      patientIds(options.nhsNumber ?? study.nhsNumber, study.localPatientId ?? 'L0000001', options.placement) +
      el('0018,0015', 'CS', s.bodyPartExamined ?? study.bodyPartExamined) +
      el('0020,000d', 'UI', study.studyInstanceUid) +
      el('0020,000e', 'UI', s.seriesInstanceUid) +
      el('0020,0011', 'IS', s.seriesNumber ?? i + 1) +
      el('0020,0013', 'IS', 1);
    return Buffer.from(dump, charset === 'ISO_IR 100' ? 'latin1' : 'utf8');
  });
}

/**
 * Real DICOM Part 10 files (one per series, one instance each) for a synthetic study,
 * written by dcmtk's dump2dcm from a text dump, with the NHS number where `placement`
 * says. Tag order in the dump is ascending, as dump2dcm requires.
 */
export function writeDicomFiles(study: StudyRecord, options: DicomFileOptions): Buffer[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dicom-test-'));
  try {
    return dicomDumps(study, options).map((dump, i) => {
      const dumpFile = path.join(dir, `${i}.dump`);
      const out = path.join(dir, `${i}.dcm`);
      fs.writeFileSync(dumpFile, dump);
      execFileSync('dump2dcm', ['--quiet', dumpFile, out], { stdio: ['ignore', 'ignore', 'pipe'] });
      return fs.readFileSync(out);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
