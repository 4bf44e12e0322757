-- Schema 2: automatic assignment counts each engineer's open cases.
CREATE INDEX cases_assignee_status ON cases (assignee_id, status);
