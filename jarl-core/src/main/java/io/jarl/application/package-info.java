/**
 * Applications: named units of code with a top supervisor, dependencies, a start type and
 * configuration, started and stopped in dependency order (OTP: {@code application}).
 *
 * <p>Start with {@link io.jarl.application.Application} (the callbacks and the functions), then
 * {@link io.jarl.application.ApplicationSpec} (what an application is) and
 * {@link io.jarl.application.RestartType} (what its end does to the runtime).
 */
package io.jarl.application;
