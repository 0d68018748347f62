package io.jarl.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.testing.NoLeakedProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NoLeakedProcesses.class)
class CookieTest {
    @TempDir
    Path dir;

    /** dist_util:gen_digest/2: MD5 of the cookie, then the challenge in unsigned decimal. */
    @Test
    void theDigestIsMd5OfCookieThenDecimalChallenge() {
        assertThat(HexFormat.of().formatHex(Cookie.of("abc").digest(123))).isEqualTo("e99a18c428cb38d5f260853678922e03");
        assertThat(HexFormat.of().formatHex(Cookie.of("SECRET").digest(-1)))
                .isEqualTo("f335ffb3b43b205ab67645d9cbd55727"); // "SECRET4294967295"
        assertThat(HexFormat.of().formatHex(Cookie.of("abc").digest(Integer.MIN_VALUE)))
                .isEqualTo("770d862ab3623a660114b9c5e3e8d4ac"); // "abc2147483648"
    }

    @Test
    void aCookieNeverShowsItself() {
        Cookie cookie = Cookie.of("TOPSECRET");
        assertThat(cookie.toString()).doesNotContain("TOPSECRET").isEqualTo("Cookie[hidden]");
        assertThat(String.valueOf(java.util.List.of(cookie))).doesNotContain("TOPSECRET");
    }

    @Test
    void cookiesAreEqualByContent() {
        assertThat(Cookie.of("abc")).isEqualTo(Cookie.of("abc")).isNotEqualTo(Cookie.of("abd"));
        assertThat(Cookie.of("abc")).isNotEqualTo(Cookie.of("abcd"));
    }

    @Test
    void aCookieIsANonEmptyLatin1AtomOfAtMost255Characters() {
        assertThatThrownBy(() -> Cookie.of("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Cookie.of("x".repeat(256))).hasMessageContaining("255");
        assertThatThrownBy(() -> Cookie.of("caf\u20ac")).hasMessageContaining("U+20AC");
        assertThat(Cookie.of("x".repeat(255))).isEqualTo(Cookie.of("x".repeat(255)));
        assertThat(Cookie.of("café")).isNotNull();
    }

    /** auth:check_cookie/2: printable ASCII, then only line ends and spaces. */
    @Test
    void aCookieFileHoldsPrintableAsciiThenLineEnds() throws IOException {
        assertThat(Cookie.fromFile(write("ABC\n"))).isEqualTo(Cookie.of("ABC"));
        assertThat(Cookie.fromFile(write("ABC"))).isEqualTo(Cookie.of("ABC"));
        assertThat(Cookie.fromFile(write("AB C  \r\n \n"))).isEqualTo(Cookie.of("AB C  "));
        assertThatThrownBy(() -> Cookie.fromFile(write("ABC\nDEF\n"))).hasMessageContaining("Bad characters in cookie");
        assertThatThrownBy(() -> Cookie.fromFile(write("AB\tC"))).hasMessageContaining("Bad characters in cookie");
        assertThatThrownBy(() -> Cookie.fromFile(write("\n"))).hasMessageContaining("Too short cookie string");
        assertThatThrownBy(() -> Cookie.fromFile(write(""))).hasMessageContaining("Too short cookie string");
        assertThatThrownBy(() -> Cookie.fromFile(write("x".repeat(256)))).hasMessageContaining("at most 255");
    }

    /** auth:check_attributes/4: a regular file accessible by its owner only. */
    @Test
    void aCookieFileMustBeAccessibleByItsOwnerOnly() throws IOException {
        Path file = write("ABC");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Cookie.fromFile(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("must be accessible by owner only");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(Cookie.fromFile(file)).isEqualTo(Cookie.of("ABC"));
        assertThatThrownBy(() -> Cookie.fromFile(dir)).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> Cookie.fromFile(dir.resolve("absent"))).hasMessageContaining("no such file");
    }

    /** auth:read_cookie/0 with neither file: creates ~/.erlang.cookie, 20 letters A-Z, mode 0400. */
    @Test
    void withoutACookieFileOneIsCreatedAsErlDoes() throws IOException {
        Path home = Files.createDirectory(dir.resolve("home"));
        Cookie created = Cookie.fromErlangCookieFile(home, home.resolve(".config"));
        Path file = home.resolve(".erlang.cookie");
        String content = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertThat(content).matches("[A-Z]{20}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("r--------");
        assertThat(created).isEqualTo(Cookie.of(content));
        assertThat(Cookie.fromErlangCookieFile(home, home.resolve(".config"))).isEqualTo(created);

        Path otherHome = Files.createDirectory(dir.resolve("other"));
        assertThat(Cookie.fromErlangCookieFile(otherHome, otherHome.resolve(".config"))).isNotEqualTo(created);
    }

    /** OTP 24+: ~/.erlang.cookie first, then $XDG_CONFIG_HOME/erlang/.erlang.cookie. */
    @Test
    void theXdgCookieFileIsReadWhenTheHomeOneIsMissing() throws IOException {
        Path home = Files.createDirectory(dir.resolve("home"));
        Path xdg = Files.createDirectories(dir.resolve("xdg/erlang"));
        Path xdgFile = Files.writeString(xdg.resolve(".erlang.cookie"), "FROMXDG\n");
        Files.setPosixFilePermissions(xdgFile, PosixFilePermissions.fromString("r--------"));
        assertThat(Cookie.fromErlangCookieFile(home, dir.resolve("xdg"))).isEqualTo(Cookie.of("FROMXDG"));
        assertThat(home.resolve(".erlang.cookie")).doesNotExist();

        Path homeFile = Files.writeString(home.resolve(".erlang.cookie"), "FROMHOME");
        Files.setPosixFilePermissions(homeFile, PosixFilePermissions.fromString("r--------"));
        assertThat(Cookie.fromErlangCookieFile(home, dir.resolve("xdg"))).isEqualTo(Cookie.of("FROMHOME"));
    }

    @Test
    void aBadHomeCookieFileIsAnErrorNotAReasonToLookElsewhere() throws IOException {
        Path home = Files.createDirectory(dir.resolve("home"));
        Files.writeString(home.resolve(".erlang.cookie"), "ABC");
        Files.setPosixFilePermissions(home.resolve(".erlang.cookie"), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(() -> Cookie.fromErlangCookieFile(home, dir.resolve("xdg")))
                .hasMessageContaining("must be accessible by owner only");
    }

    private Path write(String content) throws IOException {
        Path file = Files.createTempFile(dir, "cookie", "");
        Files.writeString(file, content, StandardCharsets.ISO_8859_1);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        return file;
    }
}
