import { validateRegistration } from '../../gateway/registry/RegionRegistry';

describe('validateRegistration', () => {
  const good = { code: 'LDS', name: 'West Yorkshire', url: 'https://lds.example.nhs.uk/graphql' };

  it('accepts https anywhere and http on this machine', () => {
    expect(validateRegistration(good)).toEqual([]);
    expect(validateRegistration({ ...good, url: 'http://127.0.0.1:4101/graphql' })).toEqual([]);
    expect(validateRegistration({ ...good, url: 'http://localhost:4101/graphql' })).toEqual([]);
  });

  it('refuses plain http to another host, since patient data crosses it', () => {
    expect(validateRegistration({ ...good, url: 'http://lds.example.nhs.uk/graphql' })).toEqual([expect.stringMatching(/must be https/)]);
  });

  it('lists every problem at once', () => {
    expect(validateRegistration({ code: 'x', name: '', url: 'ftp://user:pw@host/', timeoutMs: 10 })).toEqual([
      'code must be 2-12 letters or digits',
      'name must be 1-200 characters',
      'url must be http or https',
      'url must not carry credentials',
      'timeoutMs must be a whole number from 50 to 60000',
    ]);
  });
});
