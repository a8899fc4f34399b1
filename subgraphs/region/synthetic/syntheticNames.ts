/**
 * Word lists for made-up people and places. Surnames and given names are common English
 * ones, combined at random, so no output describes a real clinician; place names are
 * invented so no synthetic trust is mistaken for a real one.
 */
export const FAMILY_NAMES: readonly string[] = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson',
  'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson',
  'Clarke', 'Khan', 'Hughes', 'Edwards', 'Turner', 'Hill', 'Moore', 'Cooper', 'Ward', 'Morris',
  'King', 'Watson', 'Harrison', 'Morgan', 'Baker', 'Young', 'Allen', 'Mitchell', 'Anderson', 'Lee',
  'Shah', 'Begum', 'Ali', 'Okafor', 'Mensah', 'Nowak', 'Kowalski', 'Murphy', 'Kelly', 'Chen',
];

export const GIVEN_NAMES: readonly string[] = [
  'Olivia', 'Amelia', 'Isla', 'Ava', 'Emily', 'Sophie', 'Grace', 'Mia', 'Poppy', 'Ella',
  'Oliver', 'George', 'Harry', 'Noah', 'Jack', 'Leo', 'Arthur', 'Muhammad', 'Oscar', 'Charlie',
  'Priya', 'Aisha', 'Fatima', 'Zara', 'Hannah', 'Sarah', 'Rachel', 'Helen', 'Claire', 'Anna',
  'David', 'James', 'Thomas', 'Daniel', 'Samuel', 'Joseph', 'Adam', 'Ravi', 'Arjun', 'Tomasz',
];

export const PLACE_NAMES: readonly string[] = [
  'Ashcombe', 'Brackenmoor', 'Calderbrook', 'Dunsford Vale', 'Eastmere', 'Fellingham', 'Greywater',
  'Harrowden', 'Ivybridge Moor', 'Kestlewick', 'Larkhollow', 'Marshgate', 'Northbeck', 'Oakhurst Fell',
  'Pennistow', 'Quarrington', 'Redmarsh', 'Saltcombe', 'Thornbury Vale', 'Upperdale', 'Wealdmere',
  'Westbrook Fen', 'Yarrowby', 'Alderholt Moor', 'Birchwick', 'Cinderford Vale', 'Dovercombe',
  'Elmsworth', 'Foxhollow', 'Glenmarsh', 'Hawksmere', 'Kingsholm Vale', 'Lindenfield', 'Moorhaven',
  'Netherby Cross', 'Otterwick', 'Pinehurst', 'Ravensmoor', 'Stonebeck', 'Tamberley', 'Wyverndale',
];

/** Ways English trusts are named; `{0}` and `{1}` are places. */
export const TRUST_NAME_PATTERNS: readonly string[] = [
  '{0} Teaching Hospitals NHS Trust',
  '{0} Teaching Hospitals NHS Foundation Trust',
  '{0} and {1} Hospitals NHS Foundation Trust',
  '{0} General Hospital NHS Trust',
  'University Hospitals of {0} NHS Trust',
  '{0} and {1} NHS Foundation Trust',
];
