-- Rows of a schema-3 node (0003_users.sql): associates, sessions, kiosks, audit.
INSERT INTO users (id, name, role, pin_hash, pin_salt, pin_iterations, disabled, failures, first_failure,
                   locked_until, created, updated) VALUES
  ('sam', 'Sam Lee', 'supervisor', x'6a1c9f2b0e4d7a83c55e1b2f90d4a7e3116b8c2d4f5e6a7b8c9d0e1f2a3b4c5d',
   x'0102030405060708090a0b0c0d0e0f10', 210000, 0, 0, 0, 0, 1795774540000, 1795774540000),
  ('ana', 'Ana Ruiz', 'associate', x'1b2c3d4e5f60718293a4b5c6d7e8f9001b2c3d4e5f60718293a4b5c6d7e8f900',
   x'100f0e0d0c0b0a090807060504030201', 210000, 0, 2, 1795774550000, 0, 1795774541000, 1795774550000);

INSERT INTO sessions (token_hash, subject, role, created, expires) VALUES
  (x'aa00000000000000000000000000000000000000000000000000000000000001', 'ana', 'associate', 1795774560000,
   1795803360000),
  (x'bb00000000000000000000000000000000000000000000000000000000000002', 'kiosk-1', 'kiosk', 1795774561000, 0);

INSERT INTO kiosks (name, created, disabled) VALUES ('kiosk-1', 1795774561000, 0);

INSERT INTO audit_log (id, at, actor, role, action, target, detail) VALUES
  (1, 1795774541000, 'sam', 'supervisor', 'user.add', 'ana', 'role=associate'),
  (2, 1795774561000, 'sam', 'supervisor', 'kiosk.add', 'kiosk-1', '');
