package io.jarl.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable collection of calls in flight, each with a label of the caller's choosing (OTP:
 * {@code request_id_collection()}, made by {@code reqids_new/0} and {@code reqids_add/3}). Lets one
 * process wait for whichever of many replies comes first:
 *
 * {@snippet :
 * RequestIds<String> ids = RequestIds.empty();
 * for (var shard : shards) {
 *     ids = GenServer.sendRequest(shard.pid(), new Lookup(key), shard.name(), ids);
 * }
 * while (ids.size() > 0) {
 *     switch (GenServer.receiveResponse(ids, Duration.ofSeconds(1), true)) {
 *         case Responses.Answer<String>(Response response, String shard, RequestIds<String> rest) -> {
 *             handle(shard, response);
 *             ids = rest;
 *         }
 *         case Responses.Timeout<String>() -> throw new IllegalStateException("shards too slow");
 *         case Responses.NoRequest<String>() -> throw new IllegalStateException("unreachable");
 *         case Responses.NoReply<String>() -> throw new IllegalStateException("unreachable");
 *     }
 * }
 * }
 *
 * @param <L> the labels' type
 */
public final class RequestIds<L> {
    private static final RequestIds<?> EMPTY = new RequestIds<>(Map.of());

    private final Map<RequestId, L> ids; // insertion-ordered, unmodifiable

    private RequestIds(Map<RequestId, L> ids) {
        this.ids = ids;
    }

    /** An empty collection (OTP: {@code reqids_new/0}). */
    @SuppressWarnings("unchecked")
    public static <L> RequestIds<L> empty() {
        return (RequestIds<L>) EMPTY;
    }

    /** This collection with {@code id} labelled {@code label} (OTP: {@code reqids_add/3}). */
    public RequestIds<L> add(RequestId id, L label) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        if (ids.containsKey(id)) {
            throw new IllegalArgumentException("request " + id + " is already in the collection");
        }
        Map<RequestId, L> copy = new LinkedHashMap<>(ids);
        copy.put(id, label);
        return new RequestIds<>(Collections.unmodifiableMap(copy));
    }

    /** The number of requests (OTP: {@code reqids_size/1}). */
    public int size() {
        return ids.size();
    }

    /** The requests and their labels, in the order they were added (OTP: {@code reqids_to_list/1}). */
    public List<Map.Entry<RequestId, L>> toList() {
        return List.copyOf(new ArrayList<>(ids.entrySet()));
    }

    RequestIds<L> remove(RequestId id) {
        Map<RequestId, L> copy = new LinkedHashMap<>(ids);
        copy.remove(id);
        return copy.isEmpty() ? empty() : new RequestIds<>(Collections.unmodifiableMap(copy));
    }

    /** The request {@code message} answers (its Reply or Down), if it is one of these. */
    Optional<RequestId> answeredBy(Object message) {
        for (RequestId id : ids.keySet()) {
            if (GenServerEngine.answers(message, id)) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    L label(RequestId id) {
        return ids.get(id);
    }

    Iterable<RequestId> ids() {
        return ids.keySet();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RequestIds<?> r && r.ids.equals(ids);
    }

    @Override
    public int hashCode() {
        return ids.hashCode();
    }

    @Override
    public String toString() {
        return "RequestIds" + ids.values();
    }
}
