//! Upgrading legacy events (0.1, 0.2, 0.3) to 1.0 on entry (spec digest 1.8).
// STUB: to be completed.
