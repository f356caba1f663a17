package dev.diskfleet.api.image;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A disk size must be a whole number of 512-byte sectors: what a guest, VirtualBox and qemu-img address. */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = WholeSectors.Validator.class)
public @interface WholeSectors {

    String message() default "must be a multiple of 512 (whole sectors)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<WholeSectors, Long> {
        @Override
        public boolean isValid(Long value, ConstraintValidatorContext context) {
            return value == null || value % 512 == 0;
        }
    }
}
