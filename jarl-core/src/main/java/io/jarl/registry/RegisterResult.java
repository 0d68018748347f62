package io.jarl.registry;

import io.jarl.Pid;
import java.util.Objects;

/**
 * How {@link Registry#register} went (Elixir: {@code {:ok, owner} | {:error, {:already_registered, pid}}}).
 */
public sealed interface RegisterResult {

    /**
     * The caller is registered (Elixir: {@code {:ok, owner}}).
     *
     * @param owner the registry partition that watches the caller, now linked to it: when the caller
     *              ends, this process removes its entries
     */
    record Ok(Pid owner) implements RegisterResult {
        public Ok {
            Objects.requireNonNull(owner, "owner");
        }
    }

    /**
     * The key of a {@link Keys#UNIQUE} registry belongs to a live process already, possibly the
     * caller (Elixir: {@code {:error, {:already_registered, pid}}}). Nothing was registered.
     *
     * @param pid the process that holds the key
     */
    record AlreadyRegistered(Pid pid) implements RegisterResult {
        public AlreadyRegistered {
            Objects.requireNonNull(pid, "pid");
        }

        @Override
        public String toString() {
            return "{already_registered, " + pid + "}";
        }
    }

    /**
     * The owner of a successful registration.
     *
     * @throws IllegalStateException if the key was already registered
     */
    default Pid orElseThrow() {
        return switch (this) {
            case Ok(Pid owner) -> owner;
            case AlreadyRegistered(Pid pid) -> throw new IllegalStateException("the key is already registered by " + pid);
        };
    }
}
