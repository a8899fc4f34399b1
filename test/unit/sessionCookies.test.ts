import { cookiePolicy, loginCookie, sessionCookie } from '../../gateway/session/sessionCookies';

describe("the IDE's cookies", () => {
  it('are Secure with the __Host- prefix on https', () => {
    const policy = cookiePolicy('https://imaging.example.nhs.uk');
    expect(sessionCookie(policy, 'abc')).toBe('__Host-ide_session=abc; HttpOnly; Secure; SameSite=Strict; Path=/');
  });

  it('drop Secure only for plain http on the loopback interface (tests and the demo)', () => {
    expect(cookiePolicy('http://127.0.0.1:4000').secure).toBe(false);
    expect(cookiePolicy('http://localhost:4000').secure).toBe(false);
    expect(() => cookiePolicy('http://imaging.example.nhs.uk')).toThrow(/must be https/);
  });

  it('bind a sign-in to its browser with a Lax cookie sent only to the sign-in routes', () => {
    expect(loginCookie(cookiePolicy('https://imaging.example.nhs.uk'), 'xyz', 600)).toBe('__Secure-ide_login=xyz; HttpOnly; Secure; SameSite=Lax; Path=/ide/auth; Max-Age=600');
  });
});
