//! The built-in server's work on its sockets, platform-free: opening one,
//! answering its frames, closing it, and fanning an event out to every socket
//! subscribed to its channels. The Durable Object
//! (`platform/cloudflare/channels.rs`) is a thin adapter over these
//! functions: it hands them its hibernatable WebSockets through [`Socket`],
//! whose [`SocketState`] lives in the socket's attachment, so that nothing
//! is kept in the object's memory and it may hibernate between frames.

use super::protocol::{self, App, Reply, SocketState, RECONNECT};
use crate::ports::{ChannelEvent, Delivery};

/// One connected socket as the server sees it.
pub trait Socket {
    /// Sends a text frame.
    fn send(&self, text: &str) -> Result<(), String>;
    /// Closes the socket with `code` and `reason` (at most 123 bytes).
    fn close(&self, code: u16, reason: &str) -> Result<(), String>;
    /// The state kept with the socket, if any (its hibernation attachment).
    fn load(&self) -> Option<SocketState>;
    /// Keeps `state` with the socket.
    fn store(&self, state: &SocketState) -> Result<(), String>;
}

/// A frame as the socket received it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame<'a> {
    Text(&'a str),
    Binary(&'a [u8]),
}

/// What the close code of a socket the server closes after its peer did
/// may be: the peer's own when it is one an endpoint may send (1000, or
/// 3000 to 4999), else 1000. (1005 and 1006 say no code was given or the
/// connection dropped: they are never sent.)
pub fn echo_close_code(code: u16) -> u16 {
    if code == 1000 || (3000..=4999).contains(&code) {
        code
    } else {
        1000
    }
}

/// Sends what `reply` says, then closes when it says so. Stops at the first
/// failure (the socket is gone).
fn deliver(socket: &impl Socket, reply: &Reply) -> Result<(), String> {
    for frame in &reply.send {
        socket.send(frame)?;
    }
    if let Some((code, reason)) = &reply.close {
        socket.close(*code, reason)?;
    }
    Ok(())
}

/// A socket that just connected to `/app/{key}?protocol=…` with `state` (its
/// fresh socket id): keeps the state and sends
/// `pusher:connection_established`, or sends `pusher:error` and closes with
/// Pusher's code when the key or protocol is wrong. `Ok(true)` when kept.
pub fn open(
    socket: &impl Socket,
    state: &SocketState,
    key: &str,
    protocol_version: Option<&str>,
    app: &App,
) -> Result<bool, String> {
    let reply = protocol::open(state, key, protocol_version, app);
    let kept = reply.close.is_none();
    if kept {
        socket.store(state)?;
    }
    deliver(socket, &reply)?;
    Ok(kept)
}

/// Answers one frame of `socket`: its state updated and kept when a
/// subscription changed it, the reply sent. A binary frame (the protocol is
/// text) gets `pusher:error`; a socket whose state was lost is closed with
/// 4200, so that pusher-js reconnects at once and gets a new one.
pub fn message(socket: &impl Socket, frame: Frame<'_>, app: &App) -> Result<(), String> {
    let Some(mut state) = socket.load() else {
        return socket.close(RECONNECT, "Connection state lost: reconnect");
    };
    let text = match frame {
        Frame::Text(text) => text,
        Frame::Binary(_) => {
            return socket.send(&protocol::error(
                None,
                "Binary frames are not supported: send JSON text",
            ));
        }
    };
    let before = state.channels.clone();
    let reply = protocol::handle(&mut state, text, app);
    if state.channels != before {
        socket.store(&state)?;
    }
    deliver(socket, &reply)
}

/// The peer closed `socket` with `code`: the close is answered (a WebSocket
/// close is a handshake).
pub fn closed(socket: &impl Socket, code: u16) -> Result<(), String> {
    socket.close(echo_close_code(code), "")
}

/// Sends `event` to every socket of `sockets` subscribed to one of its
/// channels, once per such channel, except the socket `event.socket_id`. A
/// socket that cannot be sent to (closing meanwhile) is counted, not fatal.
pub fn publish<S: Socket>(sockets: impl IntoIterator<Item = S>, event: &ChannelEvent) -> Delivery {
    let frames: Vec<(&str, String)> = event
        .channels
        .iter()
        .map(|channel| {
            (
                channel.as_str(),
                protocol::channel_event(channel, &event.name, &event.data),
            )
        })
        .collect();
    let mut delivery = Delivery::default();
    for socket in sockets {
        let Some(state) = socket.load() else {
            continue;
        };
        if event.socket_id.as_deref() == Some(state.socket_id.as_str()) {
            continue;
        }
        let mut reached = false;
        for (channel, frame) in &frames {
            if !protocol::wants(&state, channel) {
                continue;
            }
            match socket.send(frame) {
                Ok(()) => {
                    delivery.frames += 1;
                    reached = true;
                }
                Err(_) => delivery.failed += 1,
            }
        }
        if reached {
            delivery.sockets += 1;
        }
    }
    delivery
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realtime::protocol::{channel_auth, new_socket_id, APP_NOT_FOUND};
    use serde_json::{json, Value};
    use std::cell::RefCell;

    fn app() -> App {
        crate::realtime::protocol::example_app()
    }

    /// A socket in memory: what was sent, how it was closed, its attachment
    /// (kept as JSON text, as a structured clone would keep its fields).
    #[derive(Default)]
    struct Fake {
        sent: RefCell<Vec<String>>,
        closed: RefCell<Option<(u16, String)>>,
        attachment: RefCell<Option<String>>,
        broken: bool,
    }

    impl Socket for &Fake {
        fn send(&self, text: &str) -> Result<(), String> {
            if self.broken || self.closed.borrow().is_some() {
                return Err("closed".into());
            }
            self.sent.borrow_mut().push(text.to_owned());
            Ok(())
        }

        fn close(&self, code: u16, reason: &str) -> Result<(), String> {
            *self.closed.borrow_mut() = Some((code, reason.to_owned()));
            Ok(())
        }

        fn load(&self) -> Option<SocketState> {
            serde_json::from_str(self.attachment.borrow().as_deref()?).ok()
        }

        fn store(&self, state: &SocketState) -> Result<(), String> {
            *self.attachment.borrow_mut() = Some(serde_json::to_string(state).unwrap());
            Ok(())
        }
    }

    impl Fake {
        fn events(&self) -> Vec<Value> {
            self.sent
                .borrow()
                .iter()
                .map(|t| serde_json::from_str(t).unwrap())
                .collect()
        }

        fn last(&self) -> Value {
            self.events().pop().unwrap()
        }
    }

    fn connected(id: &str) -> Fake {
        let socket = Fake::default();
        let state = SocketState::new(id.into());
        assert!(open(&&socket, &state, &app().key, Some("7"), &app()).unwrap());
        socket
    }

    fn subscribe(socket: &Fake, channel: &str, auth: Option<&str>) {
        let frame =
            json!({"event": "pusher:subscribe", "data": {"channel": channel, "auth": auth}});
        message(&socket, Frame::Text(&frame.to_string()), &app()).unwrap();
    }

    fn event(channels: &[&str], socket_id: Option<&str>) -> ChannelEvent {
        ChannelEvent {
            name: "update-call".into(),
            channels: channels.iter().map(|c| (*c).to_owned()).collect(),
            data: r#"{"id":"a"}"#.into(),
            socket_id: socket_id.map(str::to_owned),
        }
    }

    #[test]
    fn an_opened_socket_is_told_its_id_and_keeps_it_in_its_attachment() {
        let socket = connected("1.2");
        let established = socket.last();
        assert_eq!(established["event"], "pusher:connection_established");
        let data: Value = serde_json::from_str(established["data"].as_str().unwrap()).unwrap();
        assert_eq!(data["socket_id"], "1.2");
        assert_eq!((&socket).load(), Some(SocketState::new("1.2".into())));
    }

    #[test]
    fn a_wrong_key_is_refused_with_an_error_and_a_close_and_nothing_kept() {
        let socket = Fake::default();
        let state = SocketState::new("1.2".into());
        assert!(!open(&&socket, &state, "other", Some("7"), &app()).unwrap());
        assert_eq!(socket.last()["data"]["code"], APP_NOT_FOUND);
        assert_eq!(socket.closed.borrow().as_ref().unwrap().0, APP_NOT_FOUND);
        assert_eq!((&socket).load(), None);
    }

    #[test]
    fn subscriptions_are_kept_and_events_reach_only_their_subscribers() {
        let id = new_socket_id(11, 22);
        let private = connected(&id);
        let auth = channel_auth(&app(), &id, "private-aircall");
        subscribe(&private, "private-aircall", Some(&auth));
        assert_eq!(
            private.last()["event"],
            "pusher_internal:subscription_succeeded"
        );
        let public = connected("3.4");
        subscribe(&public, "news", None);
        let forged = connected("5.6");
        subscribe(&forged, "private-aircall", Some(&auth));
        assert_eq!(forged.last()["event"], "pusher:subscription_error");
        assert_eq!(forged.last()["data"]["status"], 401);

        let delivery = publish(
            [&private, &public, &forged],
            &event(&["private-aircall"], None),
        );

        assert_eq!(
            delivery,
            Delivery {
                sockets: 1,
                frames: 1,
                failed: 0
            }
        );
        let got = private.last();
        assert_eq!(got["event"], "update-call");
        assert_eq!(got["channel"], "private-aircall");
        assert_eq!(got["data"], r#"{"id":"a"}"#);
        assert_eq!(
            public.last()["event"],
            "pusher_internal:subscription_succeeded"
        );
        assert_eq!(forged.last()["event"], "pusher:subscription_error");
    }

    #[test]
    fn the_sender_is_skipped_and_each_channel_counts() {
        let a = connected("1.1");
        let b = connected("2.2");
        for socket in [&a, &b] {
            subscribe(socket, "x", None);
            subscribe(socket, "y", None);
        }
        let delivery = publish([&a, &b], &event(&["x", "y", "z"], Some("1.1")));
        assert_eq!(delivery.sockets, 1);
        assert_eq!(delivery.frames, 2);
        let channels: Vec<Value> = b
            .events()
            .iter()
            .rev()
            .take(2)
            .map(|e| e["channel"].clone())
            .collect();
        assert_eq!(channels, [json!("y"), json!("x")]);
        assert_eq!(a.last()["event"], "pusher_internal:subscription_succeeded");
    }

    #[test]
    fn a_socket_that_cannot_be_sent_to_is_counted_and_the_others_served() {
        let gone = connected("1.1");
        subscribe(&gone, "x", None);
        let gone = Fake {
            broken: true,
            attachment: gone.attachment.clone(),
            ..Fake::default()
        };
        let alive = connected("2.2");
        subscribe(&alive, "x", None);
        let delivery = publish([&gone, &alive], &event(&["x"], None));
        assert_eq!(
            delivery,
            Delivery {
                sockets: 1,
                frames: 1,
                failed: 1
            }
        );
    }

    #[test]
    fn unsubscribing_stops_events() {
        let socket = connected("1.1");
        subscribe(&socket, "x", None);
        let frame = r#"{"event":"pusher:unsubscribe","data":{"channel":"x"}}"#;
        message(&&socket, Frame::Text(frame), &app()).unwrap();
        assert_eq!((&socket).load().unwrap().channels, Vec::<String>::new());
        assert_eq!(publish([&socket], &event(&["x"], None)).frames, 0);
    }

    #[test]
    fn bad_frames_get_pusher_errors_and_keep_the_socket() {
        let socket = connected("1.1");
        subscribe(&socket, "x", None);
        let oversize = "x".repeat(protocol::MAX_MESSAGE + 1);
        for frame in ["not json", "[]", r#"{"event":"nope"}"#, oversize.as_str()] {
            message(&&socket, Frame::Text(frame), &app()).unwrap();
            assert_eq!(socket.last()["event"], "pusher:error", "{frame}");
        }
        message(&&socket, Frame::Binary(b"{}"), &app()).unwrap();
        assert_eq!(socket.last()["event"], "pusher:error");
        assert!(socket.closed.borrow().is_none());
        assert_eq!((&socket).load().unwrap().channels, vec!["x".to_owned()]);
    }

    #[test]
    fn a_socket_without_state_is_asked_to_reconnect() {
        let socket = Fake::default();
        message(&&socket, Frame::Text(protocol::ping_frame()), &app()).unwrap();
        assert_eq!(socket.closed.borrow().as_ref().unwrap().0, RECONNECT);
        assert!(socket.sent.borrow().is_empty());
    }

    #[test]
    fn a_ping_is_answered_without_touching_the_state() {
        let socket = connected("1.1");
        *socket.attachment.borrow_mut() = Some(r#"{"s":"1.1"}"#.into());
        message(&&socket, Frame::Text(protocol::ping_frame()), &app()).unwrap();
        assert_eq!(socket.sent.borrow().last().unwrap(), protocol::pong_frame());
        // Not rewritten: the attachment is as it was.
        assert_eq!(
            socket.attachment.borrow().as_deref(),
            Some(r#"{"s":"1.1"}"#)
        );
    }

    #[test]
    fn a_close_is_answered_with_a_code_an_endpoint_may_send() {
        for (given, sent) in [
            (1000, 1000),
            (1001, 1000),
            (1005, 1000),
            (1006, 1000),
            (4000, 4000),
            (4999, 4999),
            (5000, 1000),
        ] {
            let socket = connected("1.1");
            closed(&&socket, given).unwrap();
            assert_eq!(socket.closed.borrow().as_ref().unwrap().0, sent, "{given}");
        }
    }
}
