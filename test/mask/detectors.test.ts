import { runDetectorTable } from './detector-tester.js';

runDetectorTable('credit_card', {
  valid: [
    'order 4111 1111 1111 1112 failed the Luhn check',
    '4111111111111112',
    'a 15-digit number 123456789012345',
    'x4111111111111111 glued to a word',
    '1234-4111-1111-1111-1111 starts a group early',
    '0000 0000 0000 0000',
    'phone 415-555-2671 and date 2024-01-15',
    'version 4.1.1.1',
  ],
  invalid: [
    { text: 'card 4111 1111 1111 1111, thanks', found: ['4111 1111 1111 1111'], output: 'card 4111 **** **** 1111, thanks' },
    { text: '4111-1111-1111-1111', found: ['4111-1111-1111-1111'], output: '4111-****-****-1111' },
    { text: 'pan=4111111111111111;', found: ['4111111111111111'], output: 'pan=4111********1111;' },
    { text: 'amex 3782 822463 10005.', found: ['3782 822463 10005'], output: 'amex 3782 ****** *0005.' },
    { text: 'diners 3056 930902 5904', found: ['3056 930902 5904'] },
    { text: 'visa13 4222222222222 ok', found: ['4222222222222'] },
    { text: 'two: 5555 5555 5555 4444 and 4012888888881881', found: ['5555 5555 5555 4444', '4012888888881881'] },
    { text: 'qty 12 4111 1111 1111 1111', found: ['4111 1111 1111 1111'] },
    { text: 'card 4111 1111 1111 1111 123 (cvv)', found: ['4111 1111 1111 1111'], output: 'card 4111 **** **** 1111 123 (cvv)' },
    { text: '18 digits 6011 0009 9013 9424 18', found: ['6011 0009 9013 9424 18'] },
    // One after the other with the same separator: the second starts right where the first ends.
    { text: 'cards 4111 1111 1111 1111 5555 5555 5555 4444 on file', found: ['4111 1111 1111 1111', '5555 5555 5555 4444'], output: 'cards 4111 **** **** 1111 5555 **** **** 4444 on file' },
    { text: '4111-1111-1111-1111-4012-8888-8888-1881', found: ['4111-1111-1111-1111', '4012-8888-8888-1881'] },
  ],
});

runDetectorTable('us_ssn', {
  valid: [
    '000-12-3456',
    '666-12-3456',
    '900-12-3456',
    '123-00-4567',
    '123-45-0000',
    '123456789',
    '123-45 6789',
    '1123-45-6789',
    '12-123-45-6789',
    'tel 415-555-2671',
  ],
  invalid: [
    { text: 'ssn 123-45-6789.', found: ['123-45-6789'], output: 'ssn ***-**-6789.' },
    { text: 'SSN: 078 05 1120', found: ['078 05 1120'], output: 'SSN: *** ** 1120' },
    { text: '665-01-0001,899-99-9999', found: ['665-01-0001', '899-99-9999'] },
  ],
});

runDetectorTable('iban', {
  valid: [
    'DE89 3704 0044 0532 0130 01',
    'DE89370400440532013001',
    'XX89370400440532013000',
    'DE8937040044053201300',
    'de89370400440532013000',
    'ADE89370400440532013000',
    'DE89 37040 04405 32013 000',
  ],
  invalid: [
    { text: 'iban DE89 3704 0044 0532 0130 00.', found: ['DE89 3704 0044 0532 0130 00'], output: 'iban DE** **** **** **** **30 00.' },
    { text: 'GB82WEST12345698765432', found: ['GB82WEST12345698765432'], output: 'GB****************5432' },
    { text: 'FR14 2004 1010 0505 0001 3M02 606 and NO9386011117947', found: ['FR14 2004 1010 0505 0001 3M02 606', 'NO9386011117947'] },
  ],
});

runDetectorTable('email', {
  valid: ['no at sign', 'user@localhost', '@example.com', 'a@b.c', 'x@-bad.com', 'user@example.c0m', 'twitter @handle'],
  invalid: [
    { text: 'mail john.doe@example.com now', found: ['john.doe@example.com'], output: 'mail j***@example.com now' },
    { text: '<a+tag@mail.co.uk>.', found: ['a+tag@mail.co.uk'], output: '<a***@mail.co.uk>.' },
    { text: 'a@b.io, c_d@e-f.org', found: ['a@b.io', 'c_d@e-f.org'] },
    { text: 'end with dot: x@y.com.', found: ['x@y.com'] },
  ],
});

runDetectorTable('phone', {
  valid: [
    '4155552671',
    'date 2024-01-15 and 15.01.2024',
    'version 1.2.3 and 10.0.19045',
    'ip 192.168.100.200',
    'order 123-456-7890',
    'amount 1 234 567',
    '+12',
    'card 4111 1111 1111 1111',
  ],
  invalid: [
    { text: 'call +14155552671 now', found: ['+14155552671'], output: 'call +*********71 now' },
    { text: 'call +1 415 555 2671.', found: ['+1 415 555 2671'], output: 'call +* *** *** **71.' },
    { text: '(415) 555-2671', found: ['(415) 555-2671'], output: '(***) ***-**71' },
    { text: 'tel 415-555-2671, fax 415.555.2672', found: ['415-555-2671', '415.555.2672'] },
    { text: 'uk +44 20 7946 0958', found: ['+44 20 7946 0958'] },
    { text: 'london 020 7946 0958', found: ['020 7946 0958'] },
    { text: 'mobile 07700 900123', found: ['07700 900123'] },
  ],
});

runDetectorTable('secret', {
  valid: [
    'the task-runner sk is fine',
    'sk-short',
    'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
    'call_Zq81nB3x0dXkLm4Pq9Rs2TuV',
    'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    '/usr/local/lib/node_modules/typescript/lib/typescript.js',
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'AKIA1234',
  ],
  invalid: [
    { text: 'key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0 end', found: ['sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0'], output: 'key sk-proj-******** end' },
    { text: 'sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0-AA', found: ['sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0-AA'], output: 'sk-ant-********' },
    { text: 'Bearer sk-Ab3dEf6hIj9kLm2nOp5qRs8t', found: ['sk-Ab3dEf6hIj9kLm2nOp5qRs8t'], output: 'Bearer sk-********' },
    { text: 'ghp_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0aB12', found: ['ghp_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0aB12'], output: 'ghp_********' },
    { text: 'gho_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0aB12', found: ['gho_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ0aB12'] },
    { text: 'github_pat_11ABCDEFG0abcdefghijklmnopqrstuv', found: ['github_pat_11ABCDEFG0abcdefghijklmnopqrstuv'] },
    { text: 'xoxb-1234567890-abcdefghij', found: ['xoxb-1234567890-abcdefghij'], output: 'xoxb-********' },
    { text: 'xoxp-1234567890-abcdefghij', found: ['xoxp-1234567890-abcdefghij'] },
    { text: 'id AKIAIOSFODNN7EXAMPLE,', found: ['AKIAIOSFODNN7EXAMPLE'], output: 'id AKIA********,' },
    { text: 'ASIAY34FZKBOKMUTVV7A', found: ['ASIAY34FZKBOKMUTVV7A'] },
    { text: 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q', found: ['AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'] },
    { text: 'tvly-dev-Ab3dEf6hIj9kLm2nOp5q', found: ['tvly-dev-Ab3dEf6hIj9kLm2nOp5q'] },
    { text: 'glpat-Ab3dEf6hIj9kLm2nOp5q', found: ['glpat-Ab3dEf6hIj9kLm2nOp5q'] },
    {
      text: 'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U.',
      found: ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
      output: 'jwt eyJ********.',
    },
    {
      text: 'k: -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\nabc=\n-----END RSA PRIVATE KEY----- ok',
      found: ['-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\nabc=\n-----END RSA PRIVATE KEY-----'],
      output: 'k: -----BEGIN RSA PRIVATE KEY-----\n********\n-----END RSA PRIVATE KEY----- ok',
    },
    { text: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----', found: ['-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----'] },
    { text: 'secret=Zq81nB3x0dXkLm4Pq9Rs2TuV7wYa5cEg', found: ['Zq81nB3x0dXkLm4Pq9Rs2TuV7wYa5cEg'], output: 'secret=Zq81********' },
  ],
});

runDetectorTable('regex', {
  options: { name: 'order_id', pattern: 'ORD-\\d{6}' },
  valid: ['ORD-12345', 'order 123456'],
  invalid: [{ text: 'see ORD-123456 and ORD-654321', found: ['ORD-123456', 'ORD-654321'], output: 'see ***-****** and ***-******' }],
});
