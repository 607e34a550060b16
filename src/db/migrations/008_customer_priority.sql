-- customers.csv `priority` (an extension column): this customer's orders always go first in the
-- review queue (a key account, a contract with a short SLA).
ALTER TABLE customers ADD COLUMN priority boolean NOT NULL DEFAULT false;
