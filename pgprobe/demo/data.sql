-- A few rows, so that every trap can be seen in results, not only in the catalog.
insert into auth.users (id, email, role, aud) values
  ('00000000-0000-0000-0000-00000000000a', 'ada@example.com', 'authenticated', 'authenticated'),
  ('00000000-0000-0000-0000-00000000000b', 'bob@example.com', 'authenticated', 'authenticated'),
  ('00000000-0000-0000-0000-00000000000c', 'cyd@example.com', 'authenticated', 'authenticated');
insert into public.users (id, email, full_name, role) values
  ('00000000-0000-0000-0000-00000000000a', 'ada@example.com', 'Ada Agent', 'agent'),
  ('00000000-0000-0000-0000-00000000000b', 'bob@example.com', 'Bob Builder', 'customer'),
  ('00000000-0000-0000-0000-00000000000c', 'cyd@example.com', 'Cyd Admin', 'admin');
insert into public.user_profiles (user_id, bio) values
  ('00000000-0000-0000-0000-00000000000a', 'Support agent, EU shift');
insert into public.tickets (id, title, description, status, priority, created_by, assignee, created_at, updated_at) values
  (1, 'Login page times out', 'Users see a spinner forever', 'open', 'high',
   '00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-00000000000a', '2025-01-20 09:00+00', '2025-01-20 09:00+00'),
  (2, 'Invoice PDF is blank', null, 'in_progress', 'normal',
   '00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-00000000000a', '2025-01-21 10:00+00', '2025-01-21 10:00+00'),
  (3, 'Add dark mode', 'Feature request', 'open', 'low',
   '00000000-0000-0000-0000-00000000000c', null, '2025-01-22 11:00+00', '2025-01-22 11:00+00'),
  (4, 'Password reset email missing', null, 'resolved', 'urgent',
   '00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-00000000000c', '2025-01-23 12:00+00', '2025-01-23 12:00+00');
select setval(pg_get_serial_sequence('public.tickets', 'id'), 4);
insert into public.ticket_activities (ticket_id, user_id, activity_type, content, created_at) values
  (1, '00000000-0000-0000-0000-00000000000b', 'comment', 'Still broken on Firefox', '2025-01-20 09:05+00'),
  (1, '00000000-0000-0000-0000-00000000000a', 'status_change', 'Investigating', '2025-01-20 09:30+00'),
  (2, '00000000-0000-0000-0000-00000000000a', 'comment', 'Reproduced with the EU template', '2025-01-21 10:15+00'),
  (4, '00000000-0000-0000-0000-00000000000c', 'status_change', 'Resolved by resending', '2025-01-23 13:00+00');
insert into public.labels (id, name, color) values (1, 'bug', 'red'), (2, 'billing', 'blue'), (3, 'ui', 'green');
select setval(pg_get_serial_sequence('public.labels', 'id'), 3);
insert into public.ticket_labels values (1, 1), (2, 1), (2, 2), (3, 3);
insert into public.ai_analyses (ticket_id, analysis_type, result, confidence, created_by) values
  (1, 'sentiment', '{"label": "frustrated"}', 0.910, '00000000-0000-0000-0000-00000000000a'),
  (2, 'summary', '{"text": "blank invoice PDF"}', 0.750, '00000000-0000-0000-0000-00000000000c');
insert into public.message_queue (id, contact, recipient, payload, status, priority, ticket_id) values
  (1, 'email', 'bob@example.com', '{"template": "ticket_update"}', 'pending', 5, 1),
  (2, 'sms', '+15550100', '{"text": "Your ticket was resolved"}', 'sent', 1, 4);
select setval(pg_get_serial_sequence('public.message_queue', 'id'), 2);
insert into public.monitoring_events (message_id, event, details) values
  (1, 'queued', '{}'), (2, 'queued', '{}'), (2, 'delivered', '{"provider": "sms-gw"}');
