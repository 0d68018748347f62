/**
 * Applications: named units of code with a top supervisor, dependencies, a start type and
 * configuration, started and stopped in dependency order (OTP: {@code application}).
 */
package io.jarl.application;
