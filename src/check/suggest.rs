//! "Did you mean" suggestions by edit distance.

/// Levenshtein distance, compared case-insensitively and with `-` = `_`.
pub fn distance(a: &str, b: &str) -> usize {
    // Completion and "did you mean" run this against every VM size: short ASCII names take a
    // path with no allocation at all.
    const MAX: usize = 64;
    if a.is_ascii() && b.is_ascii() && a.len() < MAX && b.len() < MAX {
        let norm = |c: u8| if c == b'-' { b'_' } else { c.to_ascii_lowercase() };
        let (mut xa, mut xb) = ([0u8; MAX], [0u8; MAX]);
        for (i, c) in a.bytes().enumerate() {
            xa[i] = norm(c);
        }
        for (i, c) in b.bytes().enumerate() {
            xb[i] = norm(c);
        }
        return levenshtein(&xa[..a.len()], &xb[..b.len()]);
    }
    let norm = |c: char| if c == '-' { '_' } else { c.to_ascii_lowercase() };
    let a: Vec<char> = a.chars().map(norm).collect();
    let b: Vec<char> = b.chars().map(norm).collect();
    levenshtein(&a, &b)
}

fn levenshtein<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    // A shared prefix or suffix does not change the distance; VM size names all start with
    // `Standard_`, so dropping it first makes the matrix small.
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    if a.is_empty() || b.is_empty() {
        return a.len().max(b.len());
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Whether `needle` occurs in `haystack`, ASCII case-insensitively.
fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.len() <= h.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Up to `max` candidates close enough to `word` to be a typo of it, best first.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>, max: usize) -> Vec<&'c str> {
    let word_len = word.chars().count();
    let limit = (word_len / 3).clamp(1, 4);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            // A candidate that contains the word (or the reverse) is a good match too:
            // `admin_user` for `admin_username`.
            let contains =
                word.len() >= 4 && c.len() >= 4 && (contains_ignore_case(c, word) || contains_ignore_case(word, c));
            // The distance is at least the length difference: most candidates need no more.
            if !contains && c.chars().count().abs_diff(word_len) > limit {
                return None;
            }
            let d = distance(word, c);
            (d <= limit || contains).then_some((if contains { d.min(limit) } else { d }, c))
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_is_unchanged_by_shared_prefixes_and_suffixes() {
        assert_eq!(distance("Standard_DS3_v2", "standard_ds3_v3"), 1);
        assert_eq!(distance("Standard_DS3_v", "Standard_DS3_v2"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("abc", "abc"), 0);
        assert_eq!(distance("", "ab"), 2);
        assert_eq!(distance("a-b", "A_B"), 0);
    }

    #[test]
    fn typos_find_their_field() {
        assert_eq!(
            closest("min_instance", ["min_instances", "max_instances", "size"], 3),
            vec!["min_instances", "max_instances"]
        );
        assert_eq!(closest("sizee", ["size", "tier"], 3), vec!["size"]);
        assert_eq!(closest("low-priority", ["dedicated", "low_priority"], 3), vec!["low_priority"]);
        assert!(closest("zzzzzz", ["size", "tier"], 3).is_empty());
    }
}
