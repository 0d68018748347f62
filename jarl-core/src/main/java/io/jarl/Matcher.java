package io.jarl;

/**
 * Selects a message in a selective receive and turns it into a result.
 *
 * <p>A matcher is called on each queued message in arrival order until it returns a result other
 * than {@code null}; that message is taken out of the mailbox and the result is returned by
 * {@link Jarl#receive(Matcher)}. A matcher returns {@link Jarl#skip()} (which is {@code null}) to
 * leave a message queued; skipped messages keep their order. A matcher must not have side effects:
 * it may see a message several times, in several receives.
 *
 * {@snippet :
 * String reply = Jarl.receive(msg -> switch (msg) {
 *     case Pong(var text) -> text;
 *     default -> Jarl.skip();
 * });
 * }
 *
 * @param <R> what a matched message becomes
 */
@FunctionalInterface
public interface Matcher<R> {
    /** The result for {@code message}, or {@link Jarl#skip()} ({@code null}) to leave it in the mailbox. */
    R match(Object message);
}
