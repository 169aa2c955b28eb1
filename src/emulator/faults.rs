//! Fault injection: throttling, server errors, slow replies, dropped connections and failed
//! provisioning. Faults are set in [`super::EmulatorConfig`] or at runtime with
//! `POST /_emulator/faults` (a JSON [`FaultsPatch`]); `GET /_emulator/faults` shows them.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Faults to inject into the ARM routes (never into `/_emulator/*`). The counters count down
/// one per request; `slow_reply` delays every request while it is set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Reply 429 with `Retry-After: 1` to this many requests.
    pub throttle_next: u32,
    /// Reply 500 `InternalServerError` to this many requests.
    pub fail_next: u32,
    /// Wait this long before handling each request.
    pub slow_reply: Option<Duration>,
    /// Close the connection without a reply for this many requests.
    pub drop_next: u32,
    /// Compute names (case-insensitive) whose provisioning ends `Failed` with several
    /// `provisioningErrors`.
    pub fail_provisioning_for: Vec<String>,
    /// Reply 403 `AuthorizationFailed` to every signed-in request while set: an identity that
    /// signs in but has no role on the workspace (ARM's reply when role assignments are missing).
    pub forbid_all: bool,
}

/// The JSON form of [`Faults`] for `/_emulator/faults`. On POST every field is optional and
/// only the given ones change; GET returns all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultsPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle_next: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_next: Option<u32>,
    /// Milliseconds; 0 turns slow replies off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slow_reply_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop_next: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_provisioning_for: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forbid_all: Option<bool>,
}

/// What to do with one request before routing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    None,
    Drop,
    Throttle,
    Fail,
}

impl Faults {
    pub fn apply(&mut self, patch: FaultsPatch) {
        if let Some(n) = patch.throttle_next {
            self.throttle_next = n;
        }
        if let Some(n) = patch.fail_next {
            self.fail_next = n;
        }
        if let Some(ms) = patch.slow_reply_ms {
            self.slow_reply = (ms > 0).then(|| Duration::from_millis(ms));
        }
        if let Some(n) = patch.drop_next {
            self.drop_next = n;
        }
        if let Some(names) = patch.fail_provisioning_for {
            self.fail_provisioning_for = names;
        }
        if let Some(forbid) = patch.forbid_all {
            self.forbid_all = forbid;
        }
    }

    pub fn to_patch(&self) -> FaultsPatch {
        FaultsPatch {
            throttle_next: Some(self.throttle_next),
            fail_next: Some(self.fail_next),
            slow_reply_ms: Some(self.slow_reply.map(|d| d.as_millis() as u64).unwrap_or(0)),
            drop_next: Some(self.drop_next),
            fail_provisioning_for: Some(self.fail_provisioning_for.clone()),
            forbid_all: Some(self.forbid_all),
        }
    }

    /// Takes one count off the first armed counter: drops first, then throttling, then errors.
    pub fn take_next(&mut self) -> Injected {
        if self.drop_next > 0 {
            self.drop_next -= 1;
            Injected::Drop
        } else if self.throttle_next > 0 {
            self.throttle_next -= 1;
            Injected::Throttle
        } else if self.fail_next > 0 {
            self.fail_next -= 1;
            Injected::Fail
        } else {
            Injected::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_count_down_in_order() {
        let mut f = Faults { throttle_next: 1, fail_next: 1, drop_next: 1, ..Faults::default() };
        assert_eq!(f.take_next(), Injected::Drop);
        assert_eq!(f.take_next(), Injected::Throttle);
        assert_eq!(f.take_next(), Injected::Fail);
        assert_eq!(f.take_next(), Injected::None);
    }

    #[test]
    fn patch_changes_only_given_fields() {
        let mut f = Faults { fail_next: 3, ..Faults::default() };
        let patch: FaultsPatch = serde_json::from_str(r#"{"throttle_next":2,"slow_reply_ms":50}"#).unwrap();
        f.apply(patch);
        assert_eq!((f.fail_next, f.throttle_next, f.slow_reply), (3, 2, Some(Duration::from_millis(50))));
        assert!(serde_json::from_str::<FaultsPatch>(r#"{"bogus":1}"#).is_err());
    }
}
