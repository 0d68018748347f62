package io.jarl.statem;

import java.util.Objects;

/**
 * An event as the engine keeps it: its type and content (OTP: {@code {EventType, EventContent}}).
 * {@link MachineStatus} shows the postponed events and the events the running timeouts will
 * deliver in this form.
 *
 * @param type    the event type
 * @param content the event content
 */
public record Event(EventType type, Object content) {
    public Event {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(content, "content");
    }

    @Override
    public String toString() {
        return "{" + type + ", " + content + "}";
    }
}
