//! Reading what a fleet wrote in Redis, in plain RESP over TCP: the keys
//! under a prefix, and how many requests a budget's log holds.
#![allow(dead_code)]

use std::{
    io::{BufRead, BufReader, Write},
    net::TcpStream,
    time::Duration,
};

/// `host:port` of a `redis://host:port` URL.
fn address(url: &str) -> String {
    url.trim_start_matches("redis://")
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// One RESP answer: an integer, a bulk string, or an array of those.
#[derive(Debug)]
enum Answer {
    Integer(i64),
    Text(Option<String>),
    List(Vec<Answer>),
}

fn read(reader: &mut impl BufRead) -> Answer {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let line = line.trim_end();
    let (kind, rest) = line.split_at(1);
    match kind {
        ":" => Answer::Integer(rest.parse().unwrap()),
        "+" => Answer::Text(Some(rest.to_owned())),
        "$" => {
            let length: i64 = rest.parse().unwrap();
            if length < 0 {
                return Answer::Text(None);
            }
            let mut bytes = vec![0u8; length as usize + 2];
            std::io::Read::read_exact(reader, &mut bytes).unwrap();
            bytes.truncate(length as usize);
            Answer::Text(Some(String::from_utf8(bytes).unwrap()))
        }
        "*" => {
            let count: i64 = rest.parse().unwrap();
            Answer::List((0..count.max(0)).map(|_| read(reader)).collect())
        }
        _ => panic!("Redis answered {line}"),
    }
}

/// Sends one command and reads its answer.
fn command(url: &str, words: &[&str]) -> Answer {
    let mut stream = TcpStream::connect(address(url)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut request = format!("*{}\r\n", words.len());
    for word in words {
        request.push_str(&format!("${}\r\n{word}\r\n", word.len()));
    }
    stream.write_all(request.as_bytes()).unwrap();
    read(&mut BufReader::new(stream))
}

/// Every key under `prefix` (the fleet's `--redis-prefix`).
pub fn keys(url: &str, prefix: &str) -> Vec<String> {
    let Answer::List(found) = command(url, &["KEYS", &format!("{prefix}:*")]) else {
        panic!("KEYS answers a list");
    };
    let mut keys: Vec<String> = found
        .into_iter()
        .filter_map(|answer| match answer {
            Answer::Text(text) => text,
            _ => None,
        })
        .collect();
    keys.sort();
    keys
}

/// The requests counted in the budget log at `key`.
pub fn counted(url: &str, key: &str) -> i64 {
    match command(url, &["ZCARD", key]) {
        Answer::Integer(count) => count,
        other => panic!("ZCARD answered {other:?}"),
    }
}

/// The requests counted in every budget log under `prefix` whose key ends
/// with `suffix` (Firefly's day log: `:day` without an API's name).
pub fn counted_in(url: &str, prefix: &str, matches: impl Fn(&str) -> bool) -> i64 {
    keys(url, prefix)
        .iter()
        .filter(|key| key.contains(":quota:") && matches(key))
        .map(|key| counted(url, key))
        .sum()
}
