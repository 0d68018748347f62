package io.jarl.pg;

import io.jarl.Pid;
import io.jarl.internal.Core;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/*
 * The part of a scope that readers see without a message (OTP: the scope's named ETS table, protected,
 * read_concurrency): group -> (all members, local members), each an immutable list, newest first.
 * Only the scope process writes it, replacing a group's lists whole, so a reader gets a consistent
 * pair with one map read and no allocation. Empty groups are removed, never stored.
 *
 * Like the ETS table it goes with its owner: it is unpublished when the scope process ends, however
 * it ends ({@code kill} included); until then a table whose owner is dead reads as unknown.
 */
final class ScopeTable {
    private static final ConcurrentHashMap<String, ScopeTable> BY_NAME = new ConcurrentHashMap<>();

    /** A group's members: all of them, and those on this node (the same lists until distribution). */
    record Members(List<Pid> all, List<Pid> local) {}

    final String scope;
    final Pid owner;
    final ConcurrentHashMap<Object, Members> groups = new ConcurrentHashMap<>();

    private ScopeTable(String scope, Pid owner) {
        this.scope = scope;
        this.owner = owner;
    }

    /** Makes and publishes the table of scope {@code scope}, run by its process {@code owner}; null if a live one exists. */
    static ScopeTable create(String scope, Pid owner) {
        ScopeTable fresh = new ScopeTable(scope, owner);
        ScopeTable published = BY_NAME.compute(scope, (n, old) -> old == null || !old.owner.isAlive() ? fresh : old);
        if (published != fresh) {
            return null;
        }
        if (!Core.get().atExit(owner, fresh::drop)) {
            fresh.drop(); // the owner is already gone
        }
        return fresh;
    }

    /** The live scope named {@code scope}, or null. */
    static ScopeTable find(String scope) {
        ScopeTable t = BY_NAME.get(scope);
        if (t != null && !t.owner.isAlive()) {
            BY_NAME.remove(scope, t);
            return null;
        }
        return t;
    }

    /** Whether a table is published under {@code scope}, live or not (for tests). */
    static boolean isPublished(String scope) {
        return BY_NAME.containsKey(scope);
    }

    /** Unpublishes this table (the scope is stopping). */
    void drop() {
        BY_NAME.remove(scope, this);
    }
}
