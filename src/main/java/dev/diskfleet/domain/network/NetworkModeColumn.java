package dev.diskfleet.domain.network;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a network mode as the API spells it ({@code user}, {@code none}), as the schema's default does. */
@Converter
public class NetworkModeColumn implements AttributeConverter<NetworkMode, String> {

    @Override
    public String convertToDatabaseColumn(NetworkMode mode) {
        return mode == null ? null : mode.apiName();
    }

    @Override
    public NetworkMode convertToEntityAttribute(String column) {
        return column == null ? null : NetworkMode.fromApiName(column, "network_mode");
    }
}
