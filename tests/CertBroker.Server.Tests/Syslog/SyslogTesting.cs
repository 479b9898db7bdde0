using System.Diagnostics;
using CertBroker.Server.Syslog;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Tests.Syslog;

internal static class SyslogTesting
{
    /// <summary>How long a test waits for something that normally takes milliseconds on loopback.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>A started sender for 127.0.0.1 with short reconnect delays; the options must pass validation.</summary>
    public static async Task<SyslogSender> StartSenderAsync(int port, Action<SyslogOptions>? configure = null)
    {
        var options = new SyslogOptions
        {
            Enabled = true,
            Host = "127.0.0.1",
            Port = port,
            Hostname = "broker01.example.net",
            ReconnectDelay = TimeSpan.FromMilliseconds(100),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
            ShutdownTimeout = TimeSpan.FromSeconds(2),
        };
        configure?.Invoke(options);
        ValidateOptionsResult validation = new SyslogOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);

        var sender = new SyslogSender(Options.Create(options), TimeProvider.System, NullLogger<SyslogSender>.Instance);
        await sender.StartAsync(CancellationToken.None);
        return sender;
    }

    /// <summary>An audit-like event whose transactionId carries <paramref name="number"/>, to check order and loss.</summary>
    public static SyslogEvent Event(int number, DateTimeOffset timestamp) => new()
    {
        Timestamp = timestamp,
        Severity = SyslogSeverity.Informational,
        MessageId = "EnrolmentIssued",
        Message = $"Certificate issued for transaction {number}",
        Fields = new Dictionary<string, string?>
        {
            ["event"] = "EnrolmentIssued",
            ["outcome"] = "success",
            ["transactionId"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
    };

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var elapsed = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(elapsed.Elapsed < Patience, $"Timed out waiting until {what}.");
            await Task.Delay(20);
        }
    }
}
