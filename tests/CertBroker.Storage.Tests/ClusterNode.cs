using CertBroker.Core.Cluster;

namespace CertBroker.Storage.Tests;

/// <summary>The cluster-state stores of one node: each <see cref="ClusterStateTestBase.CreateNode"/> builds them over a
/// data source of their own, as another process on the same database would.</summary>
public sealed record ClusterNode(ICrlStore Crls, IFailureStore Failures, ILeaseStore Leases, IInstallationStore Installation);

