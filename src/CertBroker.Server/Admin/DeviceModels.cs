using System.Net;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Server.Admin;

/// <summary>A device as the admin API shows it.</summary>
internal sealed record DeviceResponse(
    long Id,
    DeviceIdentityBody Identity,
    string? Name,
    string? Manufacturer,
    string? Model,
    string? SerialNumber,
    string? MacAddress,
    string? IpAddress,
    string? Location,
    string? Owner,
    string? AssetTag,
    string? Notes,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen,
    string? LastProfile,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? State,
    string? CertificateSerial,
    DateTimeOffset? CertificateNotAfter,
    RenewalView? Renewal,
    IReadOnlyList<FindingResponse>? Findings)
{
    public static DeviceResponse From(
        Device d,
        DeviceState? state = null,
        string? serial = null,
        DateTimeOffset? notAfter = null,
        RenewalStatus? renewal = null,
        IReadOnlyList<Finding>? findings = null) => new(
        d.Id, new DeviceIdentityBody(DeviceFields.KindName(d.Identity.Kind), d.Identity.Key), d.Name, d.Manufacturer, d.Model, d.SerialNumber,
        d.MacAddress, d.IpAddress, d.Location, d.Owner, d.AssetTag, d.Notes, d.FirstSeen, d.LastSeen, d.LastProfile, d.CreatedAt,
        d.UpdatedAt, state is { } s ? DeviceFields.StateName(s) : null, serial, notAfter, RenewalView.From(renewal),
        findings is null ? null : FindingResponse.From(findings));

    /// <summary>A listed device carries the findings of its newest certificate: what an admin would re-key it for.</summary>
    public static DeviceResponse From(DeviceListItem item) =>
        From(item.Device, item.State, item.CertificateSerial, item.CertificateNotAfter, item.Renewal, item.Findings);
}

/// <summary>
/// A certificate's renewal as the API shows it: state <c>valid</c>, <c>due</c>, <c>overdue</c>, <c>expired</c> or
/// <c>superseded</c>, when it is due, and the last renewal attempt with its result (the failure reason when refused).
/// </summary>
internal sealed record RenewalView(string State, DateTimeOffset? DueAt, DateTimeOffset? LastAttemptAt, string? LastResult)
{
    public static RenewalView? From(RenewalStatus? status) =>
        status is null ? null : new(status.State.ToString().ToLowerInvariant(), status.DueAt, status.LastAttemptAt, status.LastResult);
}

/// <summary>One weak-crypto finding as the admin API shows it; severity is <c>fail</c>, <c>warn</c> or <c>info</c>.</summary>
internal sealed record FindingResponse(string RuleId, string Severity, string Observed, string? Threshold, string Message)
{
    public static IReadOnlyList<FindingResponse> From(IEnumerable<Finding> findings) =>
        [.. findings.Select(f => new FindingResponse(f.RuleId, f.Severity.ToString().ToLowerInvariant(), f.Observed, f.Threshold, f.Message))];
}

/// <summary>An identity in the API: kind <c>commonName</c>, <c>san</c>, <c>serialNumber</c> or <c>macAddress</c>, and its value.</summary>
internal sealed record DeviceIdentityBody(string? Kind, string? Value);

/// <summary>The metadata an admin sets with POST and PUT.</summary>
internal sealed record DeviceBody(
    DeviceIdentityBody? Identity,
    string? Name,
    string? Manufacturer,
    string? Model,
    string? SerialNumber,
    string? MacAddress,
    string? IpAddress,
    string? Location,
    string? Owner,
    string? AssetTag,
    string? Notes);

/// <summary>A certificate as the admin API shows it.</summary>
internal sealed record CertificateResponse(
    string Serial,
    string Profile,
    string Subject,
    IReadOnlyList<string> SubjectAlternativeNames,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string KeyAlgorithm,
    int KeySize,
    string SignatureAlgorithm,
    string ThumbprintSha256,
    string? TransactionId,
    DateTimeOffset IssuedAt,
    string State,
    DateTimeOffset? RevokedAt,
    string? RevocationReason,
    long? DeviceId,
    RenewalView Renewal,
    string? SupersededBy,
    string Source,
    IReadOnlyList<FindingResponse> Findings,
    string? Pem)
{
    public static CertificateResponse From(CertificateRecord c, DateTimeOffset now, bool withPem = false) => new(
        c.Serial, c.Profile, c.Subject, c.SubjectAlternativeNames, c.Issuer, c.NotBefore, c.NotAfter, c.KeyAlgorithm, c.KeySize,
        c.SignatureAlgorithm, c.ThumbprintSha256, c.TransactionId, c.IssuedAt,
        c.RevokedAt is not null ? "revoked" : now > c.NotAfter ? "expired" : "valid",
        c.RevokedAt, c.RevocationReason is { } reason ? RevocationReasons.NameOf(reason) : null, c.DeviceId,
        RenewalView.From(new RenewalStatus(c.RenewalState, c.RenewalDueAt, c.LastRenewalAttemptAt, c.LastRenewalResult))!, c.SupersededBy,
        c.Source.ToString().ToLowerInvariant(), FindingResponse.From(c.Findings ?? []),
        withPem ? new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", c.Der)) : null);
}

/// <summary>Validation and normalisation of device fields, shared by the JSON endpoints and CSV import.</summary>
internal static class DeviceFields
{
    public const int MaxLength = 256;
    public const int MaxNotesLength = 4000;

    private static readonly Dictionary<string, DeviceIdentityKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["commonName"] = DeviceIdentityKind.SubjectCn,
        ["san"] = DeviceIdentityKind.San,
        ["serialNumber"] = DeviceIdentityKind.SerialNumber,
        ["macAddress"] = DeviceIdentityKind.MacAddress,
    };

    public static string KindName(DeviceIdentityKind kind) => Kinds.First(k => k.Value == kind).Key;

    public static string StateName(DeviceState state) => state.ToString().ToLowerInvariant();

    /// <summary>
    /// Builds a device from admin input, reporting every problem under its field name. Without an explicit
    /// identity, the device is identified as enrolment's default would find it: serial number, else MAC, else name as CN.
    /// </summary>
    public static Device? ToDevice(DeviceBody body, long id, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        string? mac = null;
        if (Clean(body.MacAddress) is { } rawMac && !MacAddress.TryNormalize(rawMac, out mac))
        {
            errors["macAddress"] = [$"'{Shorten(rawMac)}' is not a MAC address (e.g. 00:1a:2b:3c:4d:5e)."];
        }

        string? ip = Clean(body.IpAddress);
        if (ip is not null)
        {
            if (IPAddress.TryParse(ip, out IPAddress? parsed))
            {
                ip = parsed.ToString();
            }
            else
            {
                errors["ipAddress"] = [$"'{Shorten(ip)}' is not an IPv4 or IPv6 address."];
            }
        }

        foreach ((string name, string? value) in new[]
        {
            ("name", body.Name), ("manufacturer", body.Manufacturer), ("model", body.Model), ("serialNumber", body.SerialNumber),
            ("location", body.Location), ("owner", body.Owner), ("assetTag", body.AssetTag),
        })
        {
            if (value?.Length > MaxLength)
            {
                errors[name] = [$"At most {MaxLength} characters."];
            }
        }

        if (body.Notes?.Length > MaxNotesLength)
        {
            errors["notes"] = [$"At most {MaxNotesLength} characters."];
        }

        DeviceIdentity? identity = Identity(body, mac, errors);
        if (errors.Count > 0 || identity is null)
        {
            return null;
        }

        return new Device
        {
            Id = id,
            Identity = identity.Value,
            Name = Clean(body.Name),
            Manufacturer = Clean(body.Manufacturer),
            Model = Clean(body.Model),
            SerialNumber = Clean(body.SerialNumber),
            MacAddress = mac,
            IpAddress = ip,
            Location = Clean(body.Location),
            Owner = Clean(body.Owner),
            AssetTag = Clean(body.AssetTag),
            Notes = string.IsNullOrWhiteSpace(body.Notes) ? null : body.Notes,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private static DeviceIdentity? Identity(DeviceBody body, string? mac, Dictionary<string, string[]> errors)
    {
        if (body.Identity is { } given)
        {
            if (given.Kind is null || !Kinds.TryGetValue(given.Kind, out DeviceIdentityKind kind))
            {
                errors["identity.kind"] = [$"Use one of {string.Join(", ", Kinds.Keys)}."];
                return null;
            }

            string? value = Clean(given.Value);
            if (value is null || value.Length > MaxLength)
            {
                errors["identity.value"] = [$"1 to {MaxLength} characters."];
                return null;
            }

            if (kind == DeviceIdentityKind.MacAddress)
            {
                if (!MacAddress.TryNormalize(value, out string? normalized))
                {
                    errors["identity.value"] = ["Not a MAC address."];
                    return null;
                }

                value = normalized;
            }

            return new DeviceIdentity(kind, value);
        }

        if (Clean(body.SerialNumber) is { } serial)
        {
            return new DeviceIdentity(DeviceIdentityKind.SerialNumber, serial);
        }

        if (mac is not null)
        {
            return new DeviceIdentity(DeviceIdentityKind.MacAddress, mac);
        }

        if (Clean(body.Name) is { } name)
        {
            return new DeviceIdentity(DeviceIdentityKind.SubjectCn, name);
        }

        if (!errors.ContainsKey("macAddress"))
        {
            errors["identity"] = ["Give an identity, or a serial number, MAC address or name to identify the device by."];
        }

        return null;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Shorten(string value) => value.Length > 64 ? value[..64] + "…" : value;
}
