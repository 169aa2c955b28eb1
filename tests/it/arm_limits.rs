//! The ARM client against servers that misbehave on purpose (loopback only): one that never
//! answers, one that trickles its reply, one that sends a huge body, one that asks to wait for
//! years. Each must end within the client's budget, say what it was waiting for, and never read
//! an unbounded reply into memory.

use aml_compute_ls::arm::client::Notifier;
use aml_compute_ls::arm::{ArmClient, ArmError, ClientOptions, Credential, Workspace};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn ws() -> Workspace {
    Workspace {
        subscription_id: "11111111-2222-3333-4444-555555555555".into(),
        resource_group: "rg-test".into(),
        workspace_name: "ws-test".into(),
        source: "test".into(),
    }
}

/// A loopback server that reads each request's head, then does `behave` with the connection.
async fn server<F, Fut>(behave: F) -> String
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let behave = Arc::new(behave);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let behave = behave.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte).await {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                behave(stream).await;
            });
        }
    });
    format!("http://{addr}")
}

fn client(endpoint: &str, options: ClientOptions) -> ArmClient {
    ArmClient::new(endpoint, Credential::Static("t".into()), options).unwrap()
}

fn options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_millis(400),
        max_retries: 4,
        retry_base: Duration::from_millis(10),
        request_budget: Duration::from_secs(1),
        slow_notice: Duration::from_millis(300),
        ..ClientOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_black_hole_fails_within_the_budget_and_says_what_it_waited_for() {
    let endpoint = server(|stream| async move {
        tokio::time::sleep(Duration::from_secs(60)).await;
        drop(stream);
    })
    .await;
    let notices: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = notices.clone();
    let notify = Notifier(Arc::new(move |m: &str| sink.lock().unwrap().push(m.to_string())));
    let started = Instant::now();
    let err = client(&endpoint, ClientOptions { notify: Some(notify), ..options() })
        .get_compute(&ws(), "cpu-cluster")
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    println!("black hole: gave up after {elapsed:?} (budget 1 s; 5 attempts of 400 ms each would take 2 s)");
    // Five attempts of 400 ms would take 2 s; the budget is 1 s, and the message says so.
    assert!(elapsed < Duration::from_millis(1400), "took {elapsed:?}");
    let ArmError::Timeout { waited, .. } = &err else { panic!("{err:?}") };
    assert!(*waited >= Duration::from_millis(900) && *waited <= elapsed, "{waited:?} vs {elapsed:?}");
    let text = err.to_string();
    assert!(text.contains("Azure did not answer GET Compute 'cpu-cluster' in workspace 'ws-test'"), "{text}");
    assert!(text.contains("gave up after 1 s") || text.contains("gave up after 9"), "{text}");
    let notices = notices.lock().unwrap();
    assert!(
        notices.iter().any(|n| n.starts_with("Still waiting for Azure to answer GET Compute 'cpu-cluster'")),
        "{notices:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_trickling_reply_fails_within_the_budget() {
    let endpoint = server(|mut stream| async move {
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
            .await;
        for _ in 0..10_000 {
            if stream.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let started = Instant::now();
    let err = client(&endpoint, options()).list_computes(&ws()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(1400), "took {:?}", started.elapsed());
    assert!(matches!(err, ArmError::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains("Azure did not answer GET Workspace 'ws-test'"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_reply_is_refused_without_being_read() {
    // Announced up front…
    let announced = server(|mut stream| async move {
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 209715200\r\n\r\n")
            .await;
        let zeros = vec![b'0'; 64 * 1024];
        for _ in 0..3200 {
            if stream.write_all(&zeros).await.is_err() {
                return;
            }
        }
    })
    .await;
    let options =
        ClientOptions { max_response_bytes: 1024 * 1024, request_budget: Duration::from_secs(10), ..options() };
    let started = Instant::now();
    let err = client(&announced, options.clone()).get_compute(&ws(), "big").await.unwrap_err();
    assert!(matches!(err, ArmError::TooLarge { .. }), "{err:?}");
    assert!(err.to_string().contains("larger than 1 MiB"), "{err}");
    // …or just kept coming (chunked, no length).
    let endless = server(|mut stream| async move {
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            .await;
        let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "0".repeat(64 * 1024));
        for _ in 0..3200 {
            if stream.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
        }
    })
    .await;
    let err = client(&endless, options).get_compute(&ws(), "big").await.unwrap_err();
    assert!(matches!(err, ArmError::TooLarge { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_after_of_years_is_not_waited_for_silently() {
    let endpoint = server(|mut stream| async move {
        let body = r#"{"error":{"code":"TooManyRequests","message":"slow down"}}"#;
        let reply = format!(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 99999999\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(reply.as_bytes()).await;
    })
    .await;
    let options = ClientOptions { request_budget: Duration::from_secs(30), ..options() };
    let result =
        tokio::time::timeout(Duration::from_secs(5), client(&endpoint, options).get_compute(&ws(), "xy-compute")).await;
    let err = result.expect("the client waited silently for the Retry-After").unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ArmError::WaitTooLong { .. }), "{err:?}");
    assert!(text.contains("Azure asked to wait") && text.contains("longer than the 1 min"), "{text}");
}
