//! The delivery runtime. OWNER: runtime helper.
