namespace CertBroker.Server.Endpoints;

/// <summary>
/// Marks the endpoints devices and relying parties call without credentials (SCEP, the CRL): the admin
/// authentication and authorization middleware is skipped for them.
/// </summary>
internal sealed class DeviceEndpointMetadata
{
    public static DeviceEndpointMetadata Instance { get; } = new();

    private DeviceEndpointMetadata()
    {
    }

    /// <summary>Whether the request was routed to a device endpoint.</summary>
    public static bool IsDeviceRequest(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<DeviceEndpointMetadata>() is not null;
}
