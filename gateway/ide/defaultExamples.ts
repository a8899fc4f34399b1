import { parseNhsNumber } from '../../lib/domain/parseNhsNumber';
import type { IdeExample } from './IdeExample';

/** Start of the date range in the modality example; analysts change it in the variables editor. */
const EXAMPLE_SINCE = '2024-01-01';

/**
 * The IDE's starting tabs: the questions analysts and integrators ask first, written
 * against the regional contract (schema/region.graphql) with `nhsNumber` in every
 * tab's variables. Pass a 999-range test number: every analyst who opens the IDE can
 * run these tabs, so a real patient's number here would show that patient's history.
 * Throws if `nhsNumber` is not a valid NHS number, which is a configuration bug.
 */
export function defaultExamples(nhsNumber: string): IdeExample[] {
  const parsed = parseNhsNumber(nhsNumber);
  if (!parsed.ok) throw new Error(`defaultExamples needs a valid NHS number: ${parsed.reason}`);
  const patient = parsed.value;
  return [
    {
      name: "Full imaging history, with each region's answer",
      query: `query PatientImagingHistory($nhsNumber: String!) {
  patient(nhsNumber: $nhsNumber) {
    nhsNumber
    imagingHistory {
      # false when a region failed or timed out
      complete
      sources {
        region { code name }
        status
        latencyMs
        studyCount
      }
      studies {
        studyInstanceUid
        studyDate
        modalities
        description
        status
        region { code name }
        performingOrganisation { odsCode name }
      }
    }
  }
}
`,
      variables: JSON.stringify({ nhsNumber: patient }, null, 2),
    },
    {
      name: 'Newest 20 CT or MR studies since a date',
      query: `query RecentCtMrStudies($nhsNumber: String!, $since: String!) {
  patient(nhsNumber: $nhsNumber) {
    imagingHistory(filter: { modalities: ["CT", "MR"], from: $since }, first: 20) {
      complete
      studies {
        studyInstanceUid
        studyDate
        studyTime
        modalities
        description
        bodyPartExamined
        region { code }
      }
    }
  }
}
`,
      variables: JSON.stringify({ nhsNumber: patient, since: EXAMPLE_SINCE }, null, 2),
    },
    {
      name: 'Newest study, with its series and retrieve links',
      query: `query LatestStudyWithSeries($nhsNumber: String!) {
  patient(nhsNumber: $nhsNumber) {
    imagingHistory(first: 1) {
      complete
      studies {
        studyInstanceUid
        accessionNumber
        studyDate
        description
        numberOfStudyRelatedSeries
        numberOfStudyRelatedInstances
        instanceAvailability
        retrieve { wadoRsUrl viewerUrl }
        # several when regions shared the study
        locations {
          region { code name }
          retrieve { wadoRsUrl viewerUrl }
        }
        series {
          seriesInstanceUid
          seriesNumber
          modality
          description
          bodyPartExamined
          numberOfSeriesRelatedInstances
        }
      }
    }
  }
}
`,
      variables: JSON.stringify({ nhsNumber: patient }, null, 2),
    },
    {
      name: 'Activity by region and modality, by month (analysts: aggregate counts only)',
      query: `query ImagingActivity($from: String!, $to: String!) {
  # Counts below the suppression threshold come back as null with suppressed: true
  studyActivity(filter: { from: $from, to: $to }, groupBy: [REGION, MODALITY, MONTH]) {
    complete
    sources { region { code } status }
    buckets {
      region { code name }
      modality
      month
      studyCount
      suppressed
    }
  }
}
`,
      variables: JSON.stringify({ from: EXAMPLE_SINCE, to: '2024-12-31' }, null, 2),
    },
  ];
}
