package io.jarl.server;

/**
 * The outcome of waiting for, or checking, a reply to one of a {@link RequestIds} collection
 * (OTP: {@code {Response, Label, NewCollection} | no_request | timeout | no_reply}).
 *
 * @param <L> the labels' type
 */
public sealed interface Responses<L> {

    /**
     * A request was answered: {@code response} is its reply (or the server's end), {@code label} the
     * label it was added with, and {@code rest} the collection without it (or unchanged, when asked
     * not to delete).
     */
    record Answer<L>(Response response, L label, RequestIds<L> rest) implements Responses<L> {}

    /** The collection is empty (OTP: {@code no_request}). */
    record NoRequest<L>() implements Responses<L> {}

    /** No reply came in time. */
    record Timeout<L>() implements Responses<L> {}

    /** The message checked answers none of the requests ({@code checkResponse} only). */
    record NoReply<L>() implements Responses<L> {}
}
