package dev.diskfleet.api.web;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Free text (a description) without control characters other than tab and line breaks: a NUL is stored by
 * H2 and refused by PostgreSQL, so it is refused with 400 before it reaches either.
 */
@Pattern(regexp = "[\\P{Cc}\\t\\n\\r]*")
@ReportAsSingleViolation
@Constraint(validatedBy = {})
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface PrintableText {

    String message() default "must not contain control characters other than tab and line breaks";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
