/**
 * The {@code demo} and {@code bench} commands: the operator run against the local provider on
 * embedded API servers, with a timeline or with measurements. {@link io.github.shootdualstack.demo.DemoMain}
 * is the demo jar's entry point; the image's jar holds neither this package nor {@code local}.
 */
package io.github.shootdualstack.demo;
