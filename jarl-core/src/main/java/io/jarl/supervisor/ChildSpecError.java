package io.jarl.supervisor;

import java.util.Objects;

/**
 * Why a child spec, or a list of them, is not valid (OTP: the {@code Error} of
 * {@code check_childspecs/2} and of {@code start_child/2}).
 */
public sealed interface ChildSpecError {

    /** Two specs have the same id (OTP: {@code {duplicate_child_name, Id}}). */
    record DuplicateId(Object id) implements ChildSpecError {
        public DuplicateId {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public String toString() {
            return "{duplicate_child_name, " + id + "}";
        }
    }

    /**
     * A significant child is permanent (OTP: {@code {bad_combination, [{restart, permanent},
     * {significant, true}]}}): a permanent child is always restarted, so it never ends for good.
     */
    record SignificantPermanent(Object id) implements ChildSpecError {
        public SignificantPermanent {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public String toString() {
            return "{bad_combination, [{restart, permanent}, {significant, true}], id " + id + "}";
        }
    }

    /**
     * A significant child under a supervisor with {@link AutoShutdown#NEVER} (OTP:
     * {@code {bad_combination, [{auto_shutdown, never}, {significant, true}]}}).
     */
    record SignificantWithoutAutoShutdown(Object id) implements ChildSpecError {
        public SignificantWithoutAutoShutdown {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public String toString() {
            return "{bad_combination, [{auto_shutdown, never}, {significant, true}], id " + id + "}";
        }
    }
}
