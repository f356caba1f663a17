package dev.diskfleet;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class DiskfleetApplication {

    public static void main(String[] args) {
        StopSignals.exitNormallyOnStop();
        SpringApplication.run(DiskfleetApplication.class, args);
    }
}
