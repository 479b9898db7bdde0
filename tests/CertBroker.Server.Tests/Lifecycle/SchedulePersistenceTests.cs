using CertBroker.Server.Hosting;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CertBroker.Server.Tests.Lifecycle;

/// <summary>
/// Quartz with its ADO job store in the broker's SQLite file, across a restart of the real host on the same data
/// directory: the stored schedule is kept, and a firing missed while the service was down runs once at start-up.
/// </summary>
public sealed class SchedulePersistenceTests : IAsyncLifetime
{
    private static readonly TriggerKey RenewalSweep = new("renewal-sweep", LifecycleScheduling.Group);

    private readonly BrokerFactory _dataDir = new();

    public Task InitializeAsync()
    {
        _dataDir.Settings["CertBroker:Schedule:RenewalSweepMinutes"] = "7";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dataDir.DisposeAsync();

    [Fact]
    public async Task Restart_SameDatabase_KeepsTheStoredTriggerAndItsNextFireTime()
    {
        ITrigger before = await StartAndReadTriggerAsync();

        ITrigger after = await StartAndReadTriggerAsync();

        Assert.Equal(TimeSpan.FromMinutes(7), Assert.IsAssignableFrom<ISimpleTrigger>(after).RepeatInterval);
        Assert.Equal(before.StartTimeUtc, after.StartTimeUtc);
        Assert.Equal(before.NextFireTimeUtc, after.NextFireTimeUtc);
    }

    [Fact]
    public async Task Restart_FireTimeMissedWhileDown_FiresOnceAtStartAndResumesTheInterval()
    {
        await StartAndReadTriggerAsync();
        await MoveNextFireTimeIntoThePastAsync(TimeSpan.FromHours(1));
        DateTimeOffset restartedAt = DateTimeOffset.UtcNow;

        await using WebApplicationFactory<Program> host = _dataDir.WithWebHostBuilder(_ => { });
        host.CreateClient();
        IScheduler scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        ITrigger? fired = null;
        for (int i = 0; i < 600 && fired is null; i++)
        {
            ITrigger? current = await scheduler.GetTrigger(RenewalSweep, CancellationToken.None);
            fired = current?.PreviousFireTimeUtc >= restartedAt ? current : null;
            await Task.Delay(100);
        }

        Assert.NotNull(fired);
        Assert.InRange(fired.NextFireTimeUtc!.Value, restartedAt.AddMinutes(6), DateTimeOffset.UtcNow.AddMinutes(7));
    }

    /// <summary>Starts the host, waits for the sweep's first firing (a new trigger fires at once), and stops it.</summary>
    private async Task<ITrigger> StartAndReadTriggerAsync()
    {
        await using WebApplicationFactory<Program> host = _dataDir.WithWebHostBuilder(_ => { });
        host.CreateClient();
        IScheduler scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        ITrigger trigger = (await scheduler.GetTrigger(RenewalSweep, CancellationToken.None))!;
        for (int i = 0; i < 600 && trigger.PreviousFireTimeUtc is null; i++)
        {
            await Task.Delay(100);
            trigger = (await scheduler.GetTrigger(RenewalSweep, CancellationToken.None))!;
        }

        Assert.NotNull(trigger.PreviousFireTimeUtc);
        return trigger;
    }

    /// <summary>What a service that was down over its fire time leaves behind, written as an operator's sqlite3 would.</summary>
    private async Task MoveNextFireTimeIntoThePastAsync(TimeSpan by)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir.DataDir, ServiceRegistration.DatabaseFileName)};Pooling=False");
        await connection.OpenAsync();
        await using SqliteCommand update = connection.CreateCommand();
        // Quartz keeps fire times as .NET ticks.
        update.CommandText = "UPDATE QRTZ_TRIGGERS SET NEXT_FIRE_TIME = @Past WHERE TRIGGER_NAME = 'renewal-sweep'";
        update.Parameters.AddWithValue("@Past", (DateTimeOffset.UtcNow - by).UtcTicks);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }
}
