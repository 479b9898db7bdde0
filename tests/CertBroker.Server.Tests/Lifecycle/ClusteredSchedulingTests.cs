using CertBroker.Server.Hosting;
using CertBroker.Storage.Postgres;
using CertBroker.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Quartz;

namespace CertBroker.Server.Tests.Lifecycle;

/// <summary>
/// The scheduler as two nodes configure it with <c>Provider=Postgres</c>: Quartz's clustered ADO job store on the
/// tables of PostgreSQL migration 0002, one shared scheduler name, a generated instance ID per node.
/// </summary>
public sealed class ClusteredSchedulingTests : IAsyncLifetime
{
    private string _connectionString = "";
    private readonly List<ServiceProvider> _nodes = [];

    public async Task InitializeAsync()
    {
        _connectionString = await PostgresServer.CreateDatabaseAsync("sched");
        await new PostgresMigrator(new PostgresStoreOptions { ConnectionString = _connectionString }, TimeProvider.System, NullLogger<PostgresMigrator>.Instance)
            .MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (ServiceProvider node in _nodes)
        {
            IScheduler scheduler = await node.GetRequiredService<ISchedulerFactory>().GetScheduler();
            await scheduler.Shutdown(waitForJobsToComplete: false);
            await node.DisposeAsync();
        }

        await PostgresServer.DropDatabaseAsync(_connectionString);
    }

    [Fact]
    public async Task Start_TwoNodesOnOneDatabase_BothCheckInUnderOneSchedulerNameWithTheirOwnIds()
    {
        IScheduler first = await StartNodeAsync();
        IScheduler second = await StartNodeAsync();

        Assert.Equal(LifecycleScheduling.ClusteredSchedulerName, first.SchedulerName);
        Assert.Equal(first.SchedulerName, second.SchedulerName);
        Assert.NotEqual(first.SchedulerInstanceId, second.SchedulerInstanceId);
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = @name", connection);
        command.Parameters.AddWithValue("name", LifecycleScheduling.ClusteredSchedulerName);
        long checkedIn = 0;
        for (int i = 0; i < 100 && checkedIn < 2; i++)
        {
            checkedIn = (long)(await command.ExecuteScalarAsync())!;
            await Task.Delay(100);
        }

        Assert.Equal(2, checkedIn);
    }

    [Fact]
    public async Task ScheduleJob_SameTriggerFromTheSecondNode_IsRefusedAndTheFirstOneStands()
    {
        IScheduler first = await StartNodeAsync();
        IScheduler second = await StartNodeAsync();
        var key = new TriggerKey("sweep", LifecycleScheduling.Group);
        IJobDetail job = JobBuilder.Create<NothingJob>().WithIdentity("sweep", LifecycleScheduling.Group).StoreDurably().Build();
        ITrigger Trigger() => TriggerBuilder.Create().WithIdentity(key).ForJob(job).StartAt(DateTimeOffset.UtcNow.AddHours(1))
            .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(1)).RepeatForever()).Build();
        await first.AddJob(job, AddJobOptions.Replacing);
        await second.AddJob(job, AddJobOptions.Replacing);
        await first.ScheduleJob(Trigger(), default(ScheduleJobOptions));

        await Assert.ThrowsAsync<ObjectAlreadyExistsException>(async () => await second.ScheduleJob(Trigger(), default(ScheduleJobOptions)));

        Assert.NotNull(await second.GetTrigger(key));
    }

    private async Task<IScheduler> StartNodeAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOptions<PostgresStoreOptions>().Configure(o => o.ConnectionString = _connectionString);
        services.AddQuartz(quartz => LifecycleScheduling.ConfigureScheduler(quartz, StorageProvider.Postgres));
        ServiceProvider node = services.BuildServiceProvider();
        _nodes.Add(node);
        IScheduler scheduler = await node.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.Start();
        return scheduler;
    }

    private sealed class NothingJob : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
