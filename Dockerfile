# The service with QEMU, so that guests boot under docker compose. Build the jar first:
#   mvn -B -DskipTests package && docker compose build
FROM debian:bookworm-slim

# A JRE for the service; QEMU to run guests and qemu-img for its tools; genisoimage for the guests'
# cloud-init seed volumes.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jre-headless qemu-system-x86 qemu-utils genisoimage ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# Guests and images belong to an unprivileged user; the kvm group lets it use /dev/kvm when compose
# passes the device in (docker-compose.kvm.yml).
RUN groupadd --system --force kvm \
 && useradd --system --create-home --gid kvm --home-dir /var/lib/diskfleet diskfleet \
 && chmod 0700 /var/lib/diskfleet

COPY target/diskfleet-0.1.0-SNAPSHOT.jar /app/diskfleet.jar

USER diskfleet
WORKDIR /var/lib/diskfleet
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/diskfleet.jar"]
