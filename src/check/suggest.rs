//! "Did you mean" suggestions by edit distance.

/// Levenshtein distance over characters, compared case-insensitively and with `-` = `_`.
pub fn distance(a: &str, b: &str) -> usize {
    let norm =
        |s: &str| -> Vec<char> { s.chars().map(|c| if c == '-' { '_' } else { c.to_ascii_lowercase() }).collect() };
    let (a, b) = (norm(a), norm(b));
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

/// Up to `max` candidates close enough to `word` to be a typo of it, best first.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>, max: usize) -> Vec<&'c str> {
    let limit = (word.chars().count() / 3).clamp(1, 4);
    let lower = word.to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let d = distance(word, c);
            // A candidate that contains the word (or the reverse) is a good match too:
            // `admin_user` for `admin_username`.
            let lc = c.to_ascii_lowercase();
            let contains = lower.len() >= 4 && lc.len() >= 4 && (lc.contains(&lower) || lower.contains(&lc));
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
