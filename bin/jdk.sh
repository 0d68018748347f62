# Sourced by bin/jarl and .ci/run: makes sure JAVA_HOME points at a JDK 25 or newer.
# Keeps JAVA_HOME or the default java when they are new enough; otherwise looks in the usual
# install folders. Prints a clear message and returns 1 when there is none.

jarl_java_major() { # $1: a java binary; prints its feature version
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}

jarl_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
      /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(jarl_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      # Maven 3.9's Guice calls sun.misc.Unsafe, which JDK 24+ warns about on every build.
      case " ${MAVEN_OPTS:-} " in
        *sun-misc-unsafe-memory-access*) ;;
        *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
      esac
      return 0
    fi
  done
  echo "Jarl needs a JDK 25 or newer and found none (looked at JAVA_HOME, the default java and /usr/lib/jvm)." >&2
  echo "Install one (for example Debian's or Temurin's JDK 25) and set JAVA_HOME to it." >&2
  return 1
}
