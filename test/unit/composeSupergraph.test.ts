import { composeSupergraph } from '../../gateway/composeSupergraph';

describe('composeSupergraph', () => {
  it('composes the regional contract once with the national subgraph', () => {
    const sdl = composeSupergraph();
    expect(sdl).toMatch(/join__graph\(name: "regions"/);
    expect(sdl).toMatch(/join__graph\(name: "national"/);
    expect(sdl).toMatch(/imagingHistory\(filter: StudyFilter, first: Int\): ImagingHistory!/);
    expect(sdl).toMatch(/registerRegion\(input: RegisterRegionInput!\): RegisteredRegion!/);
  });
});
