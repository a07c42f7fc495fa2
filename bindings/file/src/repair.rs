//! Repairing a torn last line when a file sink opens.
//!
//! A crash (or a full disk) can leave the file ending in part of a line. That line
//! was never confirmed: a send is confirmed only after its whole batch was synced,
//! and the writer cuts back a batch that failed. So the tail after the last `\n`
//! is dropped; left in place, it would glue itself to the next event written.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// How much of the tail is read at a time while looking for the last `\n`.
const CHUNK: u64 = 64 * 1024;

/// What [`repair_torn_tail`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Repaired {
    /// The file's length afterwards: where the next line starts.
    pub len: u64,
    /// Bytes cut off the end (0: the file was whole).
    pub dropped: u64,
}

/// Truncates `file` to just after its last `\n`, or to empty if it has none. A
/// file that is empty or ends in `\n` is left untouched. The truncation is synced
/// so a second crash cannot bring the torn line back.
pub(crate) fn repair_torn_tail(file: &mut File) -> io::Result<Repaired> {
    let len = file.metadata()?.len();
    let keep = match last_newline_end(file, len)? {
        Some(end) if end == len => return Ok(Repaired { len, dropped: 0 }),
        Some(end) => end,
        None if len == 0 => return Ok(Repaired { len, dropped: 0 }),
        None => 0,
    };
    file.set_len(keep)?;
    file.sync_all()?;
    Ok(Repaired {
        len: keep,
        dropped: len - keep,
    })
}

/// The offset just after the last `\n` in the first `len` bytes of `file`,
/// reading backwards from the end in chunks (so a large file costs one read).
fn last_newline_end(file: &mut File, len: u64) -> io::Result<Option<u64>> {
    let mut buf = vec![0; len.min(CHUNK) as usize];
    let mut end = len;
    while end > 0 {
        let start = end.saturating_sub(CHUNK);
        // In bounds: `end - start` is at most min(len, CHUNK), the buffer's length.
        let chunk = &mut buf[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if let Some(i) = chunk.iter().rposition(|b| *b == b'\n') {
            return Ok(Some(start + i as u64 + 1));
        }
        end = start;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use std::fs::{self, OpenOptions};
    use std::path::Path;

    use super::*;

    fn repair(content: &[u8]) -> (Repaired, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        fs::write(&path, content).unwrap();
        let repaired = repair_path(&path);
        (repaired, fs::read(&path).unwrap())
    }

    fn repair_path(path: &Path) -> Repaired {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .unwrap();
        repair_torn_tail(&mut file).unwrap()
    }

    #[test]
    fn a_torn_last_line_is_cut_off() {
        let (r, content) = repair(b"{\"a\":1}\n{\"b\":2}\n{\"c\":");
        assert_eq!(content, b"{\"a\":1}\n{\"b\":2}\n");
        assert_eq!(
            r,
            Repaired {
                len: 16,
                dropped: 5
            }
        );
    }

    #[test]
    fn a_file_of_one_torn_line_becomes_empty() {
        let (r, content) = repair(b"{\"c\":");
        assert_eq!(content, b"");
        assert_eq!(r, Repaired { len: 0, dropped: 5 });
    }

    #[test]
    fn whole_and_empty_files_are_untouched() {
        let (r, content) = repair(b"{\"a\":1}\n{\"b\":2}\n");
        assert_eq!(content, b"{\"a\":1}\n{\"b\":2}\n");
        assert_eq!(
            r,
            Repaired {
                len: 16,
                dropped: 0
            }
        );

        let (r, content) = repair(b"");
        assert_eq!(content, b"");
        assert_eq!(r, Repaired { len: 0, dropped: 0 });
    }

    #[test]
    fn a_torn_line_longer_than_a_chunk_is_cut_off() {
        let mut content = b"{\"a\":1}\n".to_vec();
        content.resize(content.len() + 3 * CHUNK as usize + 17, b'x');
        let (r, after) = repair(&content);
        assert_eq!(after, b"{\"a\":1}\n");
        assert_eq!(r.dropped, 3 * CHUNK + 17);
    }

    #[test]
    fn a_newline_exactly_at_a_chunk_boundary_is_found() {
        let mut content = vec![b'x'; CHUNK as usize - 1];
        content.push(b'\n');
        content.extend_from_slice(&vec![b'y'; CHUNK as usize]);
        let (r, after) = repair(&content);
        assert_eq!(after.len() as u64, CHUNK);
        assert_eq!(
            r,
            Repaired {
                len: CHUNK,
                dropped: CHUNK
            }
        );
    }
}
