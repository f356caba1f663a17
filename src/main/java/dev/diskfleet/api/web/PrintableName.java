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
 * A name or a name filter without control characters (NUL, tab, newline, C1 controls): H2 stores a NUL,
 * PostgreSQL refuses it, and none of them belongs in a name a person reads, so they are refused with 400
 * at the door rather than failing differently per database.
 */
@Pattern(regexp = "\\P{Cc}*")
@ReportAsSingleViolation
@Constraint(validatedBy = {})
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface PrintableName {

    String message() default "must not contain control characters (such as NUL, tab or newline)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
