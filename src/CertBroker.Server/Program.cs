using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Core.Storage;
using CertBroker.Server.Admin;
using CertBroker.Server.Cli;
using CertBroker.Server.Endpoints;
using CertBroker.Server.Hosting;
using CertBroker.Server.Monitoring;
using Serilog;

if (args.Length > 0 && (!args[0].StartsWith('-') || args[0] is "--help" or "-h" or "-?" or "--version"))
{
    return await Commands.RunAsync(args);
}

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
string dataDirectory = Path.GetFullPath(builder.Configuration[$"{BrokerOptions.SectionName}:{nameof(BrokerOptions.DataDir)}"] ?? "./data");
Directory.CreateDirectory(dataDirectory);

Serilog.ILogger serilog;
try
{
    serilog = Logging.Create(builder.Configuration, dataDirectory);
}
catch (InvalidOperationException ex)
{
    return ConfigurationProblems.Report(null, [ex.Message]);
}

builder.Services.AddSerilog(serilog, dispose: true);

builder.WebHost.ConfigureKestrel(kestrel =>
{
    // GET PKIOperation carries up to 64 KiB of message as base64, possibly percent-escaped throughout.
    kestrel.Limits.MaxRequestLineSize = 320 * 1024;
    kestrel.Limits.MaxRequestHeadersTotalSize = 352 * 1024;
    kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
});
builder.Services.AddCertBroker(builder.Configuration, dataDirectory);
IReadOnlySet<int>? adminPorts;
try
{
    adminPorts = AdminListener.Configure(builder);
}
catch (InvalidOperationException ex)
{
    ConfigurationProblems.Report(serilog, [ex.Message]);
    (serilog as IDisposable)?.Dispose();
    return 1;
}

WebApplication app = builder.Build();
// Every option validator runs before anything is created on disk, so a typo changes nothing.
if (ConfigurationProblems.Find(app.Services) is { Count: > 0 } problems)
{
    ConfigurationProblems.Report(serilog, problems);
    await app.DisposeAsync();
    return 1;
}

ILogger<Program> startupLog = app.Services.GetRequiredService<ILogger<Program>>();
ProfileCatalog catalog;
try
{
    catalog = app.Services.GetRequiredService<ProfileCatalog>();
    // Fail before listening: a bad schema or key material must stop the service with a clear message.
    int schema = await app.Services.GetRequiredService<IStoreMigrator>().MigrateAsync(CancellationToken.None);
    IRegistrationAuthority ra = app.Services.GetRequiredService<IRegistrationAuthority>();
    ICertificateIssuer issuer = app.Services.GetRequiredService<ICertificateIssuer>();
    // Every node sharing the database must sign with the CA it was created with.
    await CaInstallationCheck.RunAsync(app.Services, CancellationToken.None);
    // Every profile gets its backend now, so a kind without a provider stops the broker before it listens.
    app.Services.GetRequiredService<BackendCatalog>();
    await AdministratorBootstrap.RunAsync(app.Services, startupLog, CancellationToken.None);
    startupLog.LogInformation(
        "CertBroker starting with data directory {DataDir}, schema version {SchemaVersion}, CA {CaSubject}, RA signing {RaSigningSubject}",
        dataDirectory, schema, issuer.CaChain[0].Subject, ra.SigningCertificate.Subject);
}
catch (Exception ex) when (ConfigurationProblems.From(ex) is { Count: > 0 } found)
{
    ConfigurationProblems.Report(serilog, found);
    await app.DisposeAsync();
    return 1;
}
catch (Exception ex)
{
    startupLog.LogCritical(ex, "CertBroker cannot start: {Reason}", ex.Message);
    await app.DisposeAsync();
    return 1;
}

// The admin branch below authenticates. Without these marks WebApplication adds authentication once more, at the
// very start of the pipeline: before the trusted-proxy middleware, and for device requests too.
((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
((IApplicationBuilder)app).Properties["__AuthorizationMiddlewareSet"] = true;

// Before anything reads the client address: lockouts, the audit trail and the request log.
app.UseTrustedProxies();
if (adminPorts is not null)
{
    app.UseAdminListener(adminPorts);
}

// Before everything that can answer an admin request, so 401s, 404s and problems carry the headers too.
app.UseAdminSecurityHeaders();
app.UseSerilogRequestLogging(options => RequestLogging.Configure(options, serilog));

// Problem details for admin errors wrap routing, so unknown admin routes and wrong methods get them too.
app.UseAdminProblemDetails();
app.UseRouting();
// Devices never authenticate: their endpoints skip the admin authentication and authorization middleware.
app.UseWhen(http => !DeviceEndpointMetadata.IsDeviceRequest(http), admin =>
{
    admin.UseAuthentication();
    admin.UseAuthorization();
});
app.MapScep(catalog);
app.MapHealth();
app.MapAdminApi();
app.MapAdminOpenApi();
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to the in-process test host.</summary>
public partial class Program;
