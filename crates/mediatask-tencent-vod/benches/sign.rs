//! TC3-HMAC-SHA256 signing cost: `sign` on a 1 KB body versus a baseline computing only the
//! primitives signing needs (SHA-256 of the body, SHA-256 of the canonical request and four
//! HMAC-SHA256: SecretDate, SecretService, SecretSigning, and the Signature over the string to
//! sign). Prints the ratio.
#![allow(missing_docs)]

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use mediatask_tencent_vod::auth::{SignInput, sign};
use sha2::{Digest, Sha256};
use std::time::Instant;

const HOST: &str = "vod.intl.tencentcloudapi.com";

fn body() -> Vec<u8> {
    let mut b = br#"{"SubAppId":221073,"Text":""#.to_vec();
    while b.len() < 1022 {
        b.push(b'a');
    }
    b.extend_from_slice(br#""}"#);
    assert_eq!(b.len(), 1024);
    b
}

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    m.update(msg);
    m.finalize().into_bytes().into()
}

fn baseline(body: &[u8], canonical: &[u8], string_to_sign: &[u8]) -> [u8; 32] {
    let payload = Sha256::digest(body);
    let cr = Sha256::digest(canonical);
    let d = hmac(b"TC3secret-key-for-bench-000000000", b"2026-01-01");
    let s = hmac(&d, b"vod");
    let k = hmac(&s, b"tc3_request");
    let mut out = hmac(&k, string_to_sign);
    out[0] ^= payload[0] ^ cr[0];
    out
}

fn input(b: &[u8]) -> SignInput<'_> {
    SignInput::new(
        "AKIDbench000000000000",
        "secret-key-for-bench-000000000",
        HOST,
        "CreateAigcAudioClone",
        1_767_225_600,
    )
    .with_body(b)
}

fn per_op_ns(mut f: impl FnMut(), iters: u32) -> f64 {
    for _ in 0..iters / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64 / iters as f64
}

fn bench(c: &mut Criterion) {
    let b = body();
    let signed = sign(&input(&b));
    let canonical = signed.canonical_request.clone().into_bytes();
    let sts = signed.string_to_sign.clone().into_bytes();
    c.bench_function("sign_1kb_body", |bench| {
        bench.iter(|| sign(black_box(&input(&b))))
    });
    c.bench_function("baseline_sha256x2_hmacx4", |bench| {
        bench.iter(|| baseline(black_box(&b), black_box(&canonical), black_box(&sts)))
    });

    let sign_ns = per_op_ns(|| drop(black_box(sign(black_box(&input(&b))))), 20_000);
    let base_ns = per_op_ns(
        || {
            let _ = black_box(baseline(
                black_box(&b),
                black_box(&canonical),
                black_box(&sts),
            ));
        },
        20_000,
    );
    println!(
        "\nTC3 sign (1 KB body): {sign_ns:.0} ns/op; bare crypto baseline: {base_ns:.0} ns/op; ratio {:.2}x (target <= 2x)\n",
        sign_ns / base_ns
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
