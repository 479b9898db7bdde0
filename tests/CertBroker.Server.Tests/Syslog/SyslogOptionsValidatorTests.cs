using System.Security.Cryptography.X509Certificates;
using CertBroker.Server.Syslog;
using CertBroker.Server.Tests.Support;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Tests.Syslog;

public sealed class SyslogOptionsValidatorTests
{
    private readonly SyslogOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_SucceedsAndDescribesAuthPrivOverUdp514()
    {
        var options = new SyslogOptions();

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.False(options.Enabled);
        Assert.Equal(SyslogTransport.Udp, options.Transport);
        Assert.Equal(514, options.EffectivePort);
        Assert.Equal(SyslogFacility.AuthPriv, options.Facility);
        Assert.Equal(10, (int)options.Facility);
        Assert.Equal(10_000, options.BufferCapacity);
        Assert.Equal(2048, options.EffectiveMaxMessageBytes);
        Assert.Equal(Environment.MachineName, options.EffectiveHostname);
    }

    [Fact]
    public void Validate_TlsWithoutPort_DefaultsTo6514AndServerNameToHost()
    {
        var options = new SyslogOptions { Enabled = true, Host = "siem.example.net", Transport = SyslogTransport.Tls };

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal(6514, options.EffectivePort);
        Assert.Equal("siem.example.net", options.EffectiveServerName);
        Assert.Equal(8192, options.EffectiveMaxMessageBytes);
    }

    [Fact]
    public void Validate_TlsWithReadableFiles_Succeeds()
    {
        using var directory = new TempDirectory();
        using var pki = new TestPki();
        using var client = pki.IssueClientCertificate("CN=certbroker");
        pki.WriteCertificatePem(directory.File("ca.pem"));
        File.WriteAllText(directory.File("client.pem"), client.ExportCertificatePem());
        File.WriteAllText(directory.File("client.key"), client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var options = new SyslogOptions
        {
            Enabled = true,
            Host = "10.0.0.5",
            Transport = SyslogTransport.Tls,
            Facility = SyslogFacility.Local4,
            CaCertificatePath = directory.File("ca.pem"),
            ClientCertificatePath = directory.File("client.pem"),
            ClientKeyPath = directory.File("client.key"),
            ServerName = "siem.example.net",
        };

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryOneAtOnce()
    {
        var options = new SyslogOptions
        {
            Enabled = true,
            Host = " ",
            Port = 70000,
            Facility = (SyslogFacility)99,
            AppName = "cert broker",
            Hostname = "broker 01",
            StructuredDataId = "certbroker",
            BufferCapacity = 0,
            MaxMessageBytes = 100,
            ReconnectDelay = TimeSpan.Zero,
            MaxReconnectDelay = TimeSpan.FromSeconds(-1),
            NetworkTimeout = TimeSpan.Zero,
            ShutdownTimeout = TimeSpan.FromSeconds(-1),
            CaCertificatePath = "/etc/certbroker/siem-ca.pem",
        };

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.False(result.Succeeded);
        string[] keys =
        [
            "Host", "Port", "Facility", "AppName", "Hostname", "StructuredDataId", "BufferCapacity", "MaxMessageBytes",
            "ReconnectDelay", "MaxReconnectDelay", "NetworkTimeout", "ShutdownTimeout", "CaCertificatePath",
        ];
        Assert.Equal(keys.Length, result.Failures!.Count());
        foreach (string key in keys)
        {
            Assert.Contains(result.Failures!, f => f.StartsWith($"CertBroker:Audit:Syslog:{key} ", StringComparison.Ordinal));
        }

        Assert.Contains(result.Failures!, f => f.Contains("got 70000", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("only applies when Transport is Tls", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EnabledTlsWithMissingOrUnreadableFiles_NamesEachFile()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("client.pem"), "not a certificate");
        var options = new SyslogOptions
        {
            Enabled = true,
            Host = "siem.example.net",
            Transport = SyslogTransport.Tls,
            CaCertificatePath = directory.File("missing-ca.pem"),
            ClientCertificatePath = directory.File("client.pem"),
        };

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("missing-ca.pem': file not found", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("client.pem': no usable certificate", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DisabledWithMissingFiles_Succeeds()
    {
        var options = new SyslogOptions { Transport = SyslogTransport.Tls, CaCertificatePath = "/nowhere/ca.pem" };

        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_ClientKeyWithoutCertificate_Fails()
    {
        var options = new SyslogOptions { Transport = SyslogTransport.Tls, ClientKeyPath = "/etc/certbroker/client.key" };

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.Equal("CertBroker:Audit:Syslog:ClientKeyPath is set but ClientCertificatePath is not.", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData("certbroker@32473", true)]
    [InlineData("audit@32473.1.2", true)]
    [InlineData("certbroker", false)]
    [InlineData("cert broker@32473", false)]
    [InlineData("cert=broker@32473", false)]
    [InlineData("certbroker@", false)]
    [InlineData("certbroker@32473\n", false)]
    [InlineData("a-structured-data-id-too-long@32473", false)]
    public void Validate_StructuredDataId_AcceptsOnlyEnterpriseForm(string sdId, bool valid)
    {
        var options = new SyslogOptions { StructuredDataId = sdId };

        Assert.Equal(valid, _validator.Validate(null, options).Succeeded);
    }
}
