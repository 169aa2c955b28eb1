//! "Did you mean" suggestions by edit distance.

/// Levenshtein distance, compared case-insensitively and with `-` = `_`.
pub fn distance(a: &str, b: &str) -> usize {
    fn norm(c: char) -> char {
        if c == '-' { '_' } else { c.to_ascii_lowercase() }
    }
    // Completion and "did you mean" run this against every VM size per keystroke: one row of
    // the matrix, no allocation for the strings themselves.
    let b_chars: Vec<char> = b.chars().map(norm).collect();
    let mut prev: Vec<usize> = (0..=b_chars.len()).collect();
    let mut cur = vec![0; b_chars.len() + 1];
    for (i, ca) in a.chars().map(norm).enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b_chars.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b_chars.len()]
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
