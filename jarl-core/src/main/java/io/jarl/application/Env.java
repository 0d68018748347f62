package io.jarl.application;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/*
 * Implementation overview.
 *
 * The application environment (OTP: the {env, App, Key} entries of ac_tab, and the merge that
 * application_controller:load/2 does with the config data and the command-line provider). Reads and
 * writes go to Table.ENV directly, from any thread, atomically per application.
 *
 * At load, layers are applied in order, each overriding the ones before, key by key:
 *   1. values put before the load (OTP: set_env on an application not loaded yet),
 *   2. the spec's defaults (OTP: env in the .app file),
 *   3. the config file (OTP: -config sys.config),
 *   4. values put with putEnvPersistent (OTP: set_env with {persistent, true}, kept in conf_data),
 *   5. system properties -Djarl.app.<app>.<key> (OTP: -App Key Value on the command line).
 * Text values (3 and 5) are converted to the type of the key's default in the spec, so that an
 * override of port=4040 is an Integer too; a text that does not convert fails the load.
 */
/** The application environment: load-time merge, conversions, and the getters. */
final class Env {
    private Env() {}

    /** The prefix of the system properties that override an environment: {@code jarl.app.<app>.<key>}. */
    static final String PROPERTY_PREFIX = "jarl.app.";

    /** The system property naming the config file when none was set with {@link Application#setConfigFile}. */
    static final String CONFIG_PROPERTY = "jarl.config";

    // ------------------------------------------------------------------ at load

    /** A load that cannot go on: the environment has a bad value or the config file is bad. */
    static final class LoadError extends Exception {
        final ApplicationError error;

        LoadError(ApplicationError error) {
            super(error.toString(), null, false, false);
            this.error = error;
        }
    }

    /** The text layers for one application, already converted: the config file's and the system properties'. */
    record Overrides(Map<String, Object> configFile, Map<String, Object> systemProperties) {}

    /** Reads and converts the config file's and the system properties' values for {@code spec}. */
    static Overrides overrides(ApplicationSpec spec) throws LoadError {
        String app = spec.name();
        Map<String, Object> fromFile = new TreeMap<>();
        Optional<Path> file = configFile(app);
        if (file.isPresent()) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file.get(), StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                throw new LoadError(new ApplicationError.BadConfigFile(app, file.get(), "cannot read it: " + e));
            }
            for (String entry : properties.stringPropertyNames()) {
                int dot = entry.indexOf('.');
                if (dot <= 0 || dot == entry.length() - 1) {
                    throw new LoadError(new ApplicationError.BadConfigFile(app, file.get(),
                            "\"" + entry + "\" is not <application>.<key>"));
                }
                if (entry.substring(0, dot).equals(app)) {
                    String key = entry.substring(dot + 1);
                    fromFile.put(key, convert(spec, key, properties.getProperty(entry), file.get().toString()));
                }
            }
        }
        Map<String, Object> fromSystem = new TreeMap<>();
        String prefix = PROPERTY_PREFIX + app + ".";
        Properties system = System.getProperties();
        for (String property : system.stringPropertyNames()) {
            if (property.startsWith(prefix)) {
                String key = property.substring(prefix.length());
                String value = system.getProperty(property);
                if (key.isEmpty()) {
                    throw new LoadError(new ApplicationError.BadEnvironmentValue(app, key, value, "-D" + property,
                            "the property names no key: -D" + prefix + "<key>=<value>"));
                }
                fromSystem.put(key, convert(spec, key, value, "-D" + property));
            }
        }
        return new Overrides(fromFile, fromSystem);
    }

    private static Optional<Path> configFile(String app) throws LoadError {
        Optional<Path> set = Table.CONFIG_FILE.get();
        if (set.isPresent()) {
            return set;
        }
        String property = System.getProperty(CONFIG_PROPERTY);
        if (property == null || property.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(property));
        } catch (InvalidPathException e) {
            throw new LoadError(new ApplicationError.BadConfigFile(app, Path.of("."),
                    "-D" + CONFIG_PROPERTY + "=" + property + " is not a path: " + e.getMessage()));
        }
    }

    /** A text override converted to the type of the key's default, or kept as text when there is none. */
    private static Object convert(ApplicationSpec spec, String key, String text, String source) throws LoadError {
        Object fallback = spec.env().get(key);
        if (fallback == null) {
            return text;
        }
        try {
            return fromText(text, typeOf(fallback));
        } catch (IllegalArgumentException e) {
            throw new LoadError(new ApplicationError.BadEnvironmentValue(spec.name(), key, text, source, e.getMessage()));
        }
    }

    /** The environment after a load: see the implementation overview for the order of the layers. */
    static Map<String, Object> merge(ApplicationSpec spec, Map<String, Object> before, Overrides overrides,
                                     Map<String, Object> persistent) {
        TreeMap<String, Object> env = new TreeMap<>();
        if (before != null) {
            env.putAll(before);
        }
        env.putAll(spec.env());
        env.putAll(overrides.configFile());
        if (persistent != null) {
            env.putAll(persistent);
        }
        env.putAll(overrides.systemProperties());
        return Collections.unmodifiableSortedMap(env);
    }

    // ------------------------------------------------------------------ reading

    static Optional<Object> get(String app, String key) {
        ApplicationSpec.checkName(app);
        ApplicationSpec.checkKey(app, key);
        Map<String, Object> env = Table.ENV.get(app);
        return Optional.ofNullable(env == null ? null : env.get(key));
    }

    static <T> Optional<T> get(String app, String key, Class<T> type) {
        Objects.requireNonNull(type, "type");
        return get(app, key).map(value -> as(app, key, value, type));
    }

    @SuppressWarnings("unchecked")
    static <T> T get(String app, String key, T defaultValue) {
        Objects.requireNonNull(defaultValue, "defaultValue");
        Optional<Object> value = get(app, key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        Class<?> type = typeOf(defaultValue);
        return (T) (isTextType(type) ? as(app, key, value.get(), type) : value.get());
    }

    static Object fetch(String app, String key) {
        return get(app, key).orElseThrow(() -> notSet(app, key));
    }

    static <T> T fetch(String app, String key, Class<T> type) {
        return get(app, key, type).orElseThrow(() -> notSet(app, key));
    }

    private static NoSuchElementException notSet(String app, String key) {
        boolean known = Table.LOADED.containsKey(app) || Table.ENV.containsKey(app);
        return new NoSuchElementException("could not fetch application environment " + key + " for application "
                + app + (known ? " because configuration at " + key + " was not set"
                        : " because the application was not loaded nor configured"));
    }

    static SortedMap<String, Object> all(String app) {
        ApplicationSpec.checkName(app);
        return Collections.unmodifiableSortedMap(new TreeMap<>(Table.ENV.getOrDefault(app, Map.of())));
    }

    /** {@code value} as a {@code type}: itself if it is one, converted if it is text and {@code type} a text type. */
    private static <T> T as(String app, String key, Object value, Class<T> type) {
        Class<?> boxed = box(type);
        if (boxed.isInstance(value)) {
            @SuppressWarnings("unchecked")
            T t = (T) value;
            return t;
        }
        if (value instanceof String text && isTextType(boxed)) {
            try {
                @SuppressWarnings("unchecked")
                T t = (T) fromText(text, boxed);
                return t;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("application " + app + ", environment key " + key + ": \"" + text
                        + "\" is not a " + boxed.getName() + " (" + e.getMessage() + ")", e);
            }
        }
        throw new ClassCastException("application " + app + ", environment key " + key + ": the value " + value
                + " is a " + value.getClass().getName() + ", not a " + boxed.getName());
    }

    // ------------------------------------------------------------------ writing

    static void put(String app, String key, Object value) {
        ApplicationSpec.checkName(app);
        ApplicationSpec.checkKey(app, key);
        Objects.requireNonNull(value, "value");
        Table.ENV.compute(app, (name, env) -> with(env, key, value));
    }

    static void putPersistent(String app, String key, Object value) {
        put(app, key, value);
        Table.PERSISTENT.compute(app, (name, env) -> with(env, key, value));
    }

    static void delete(String app, String key) {
        ApplicationSpec.checkName(app);
        ApplicationSpec.checkKey(app, key);
        Table.ENV.computeIfPresent(app, (name, env) -> without(env, key));
    }

    static void deletePersistent(String app, String key) {
        delete(app, key);
        Table.PERSISTENT.computeIfPresent(app, (name, env) -> without(env, key));
    }

    private static Map<String, Object> with(Map<String, Object> env, String key, Object value) {
        TreeMap<String, Object> changed = env == null ? new TreeMap<>() : new TreeMap<>(env);
        changed.put(key, value);
        return Collections.unmodifiableSortedMap(changed);
    }

    private static Map<String, Object> without(Map<String, Object> env, String key) {
        if (!env.containsKey(key)) {
            return env;
        }
        TreeMap<String, Object> changed = new TreeMap<>(env);
        changed.remove(key);
        return changed.isEmpty() ? null : Collections.unmodifiableSortedMap(changed);
    }

    // ------------------------------------------------------------------ text conversions

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** Whether a text value converts to {@code type}. */
    static boolean isTextType(Class<?> type) {
        Class<?> t = box(type);
        return t == String.class || t == Integer.class || t == Long.class || t == Double.class || t == Float.class
                || t == Boolean.class || t == Duration.class || t == Path.class || t.isEnum();
    }

    /**
     * Converts {@code text} to {@code type}: String, Integer, Long, Double, Float, Boolean ({@code true}
     * or {@code false}, any case), Duration (ISO-8601 {@code PT5S}, or {@code 500ms}, {@code 5s},
     * {@code 2m}, {@code 1h}, {@code 1d}), Path, or an enum constant (its name, any case).
     *
     * @throws IllegalArgumentException saying why it does not convert
     */
    static Object fromText(String text, Class<?> type) {
        Class<?> t = box(type);
        String s = text.strip();
        try {
            if (t == String.class) {
                return text;
            } else if (t == Integer.class) {
                return Integer.valueOf(s);
            } else if (t == Long.class) {
                return Long.valueOf(s);
            } else if (t == Double.class) {
                return Double.valueOf(s);
            } else if (t == Float.class) {
                return Float.valueOf(s);
            } else if (t == Boolean.class) {
                if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                    return Boolean.valueOf(s);
                }
                throw new IllegalArgumentException("not true or false");
            } else if (t == Duration.class) {
                Matcher m = SHORT_DURATION.matcher(s);
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    return switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    };
                }
                return Duration.parse(s);
            } else if (t == Path.class) {
                return Path.of(s);
            } else if (t.isEnum()) {
                for (Object constant : t.getEnumConstants()) {
                    if (((Enum<?>) constant).name().equalsIgnoreCase(s)) {
                        return constant;
                    }
                }
                throw new IllegalArgumentException("not one of " + Arrays.toString(t.getEnumConstants()));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a valid " + t.getSimpleName());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration (PT5S, 500ms, 5s, 2m, 1h, 1d)");
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a path: " + e.getMessage());
        }
        throw new IllegalArgumentException("a " + t.getName() + " cannot be given as text");
    }

    /** The class a value's type is known by: an enum constant's enum, not its body's class; Path, not its implementation. */
    private static Class<?> typeOf(Object value) {
        return switch (value) {
            case Enum<?> e -> e.getDeclaringClass();
            case Path p -> Path.class; // its class is the file system's (sun.nio.fs.UnixPath)
            default -> value.getClass();
        };
    }

    private static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return switch (type.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "boolean" -> Boolean.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            case "char" -> Character.class;
            default -> Void.class;
        };
    }
}
