package io.jarl.registry;

/**
 * Whether a key of a {@link Registry} names one process or many (Elixir: the {@code :keys} option of
 * {@code Registry.start_link/1}).
 */
public enum Keys {
    /**
     * A key points to at most one process (Elixir: {@code :unique}). Only unique registries can name
     * processes through {@link Registry#via}. The entries of a key live in the partition its key hashes
     * to, and the entries of a process in the partition its pid hashes to: a lookup reads one partition.
     */
    UNIQUE,

    /**
     * A key may point to any number of entries, several of them from the same process (Elixir:
     * {@code :duplicate}, {@code {:duplicate, :pid}}). Entries are partitioned by the registering
     * process: registering touches one partition, a lookup reads all of them. Best for a few keys with
     * many entries each (one topic, many subscribers).
     */
    DUPLICATE,

    /**
     * Duplicate keys partitioned by key (Elixir: {@code {:duplicate, :key}}): a lookup reads one
     * partition, {@link Registry#keys(io.jarl.Pid)} reads all of them. Best for many keys with few
     * entries each (many topics, few subscribers).
     */
    DUPLICATE_BY_KEY;

    /** Whether keys may have several entries. */
    boolean duplicate() {
        return this != UNIQUE;
    }

    /** Elixir's spelling, for messages. */
    String elixir() {
        return switch (this) {
            case UNIQUE -> ":unique";
            case DUPLICATE -> ":duplicate";
            case DUPLICATE_BY_KEY -> "{:duplicate, :key}";
        };
    }
}
