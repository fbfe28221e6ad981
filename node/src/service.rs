//! Service wiring of the full node: client and database, transaction pool, BABE block
//! production, GRANDPA finality, networking, off-chain workers and RPC.

use codec::Decode;
use depin_compute_executor::{
	store::{MemoryStore, OffchainStore, OutputStore},
	Executor, Metrics,
};
use depin_compute_primitives::host::{ComputeBackend, ComputeExt};
use depin_runtime::{apis::RuntimeApi, opaque::Block};
use futures::{FutureExt, StreamExt};
use sc_client_api::{Backend, BlockBackend};
use sc_consensus_babe::{BabeParams, ImportQueueParams, SlotProportion};
use sc_consensus_grandpa::SharedVoterState;
use sc_service::{error::Error as ServiceError, Configuration, TaskManager, WarpSyncConfig};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sp_keystore::Keystore;
use std::{sync::Arc, time::Duration};

/// Starts the OpenCL executor; it keeps results in the node's off-chain database (where the
/// `compute_jobResult` RPC reads them), or in memory when the node has none, and reports
/// to the node's Prometheus endpoint when it has one.
fn start_executor<S: sp_core::offchain::OffchainStorage + 'static>(
	compute: &crate::cli::ComputeParams,
	offchain_db: Option<S>,
	registry: Option<&substrate_prometheus_endpoint::Registry>,
	data: Arc<dyn depin_compute_executor::DataSource>,
) -> Result<Arc<dyn ComputeBackend>, ServiceError> {
	let config = compute.executor_config().map_err(|e| {
		ServiceError::Other(format!("cannot locate the node binary for the compute worker: {e}"))
	})?;
	let store: Box<dyn OutputStore> = match offchain_db {
		Some(db) => Box::new(OffchainStore::new(db)),
		None => Box::new(MemoryStore::default()),
	};
	let metrics = registry
		.map(Metrics::register)
		.transpose()
		.map_err(|e| ServiceError::Other(format!("cannot register the compute metrics: {e}")))?;
	let executor = Executor::start(config, store, metrics);
	executor.set_data_source(data);
	Ok(Arc::new(executor))
}

/// Keeps the data store's ties to jobs up to date with the chain
/// ([`DataStore::tend`](depin_compute_data::store::DataStore::tend)) on every new best
/// block: an output is served from the first block that shows the chain agreed on it (its
/// hash is public from the reveals on, whatever becomes of that block), while a job's data
/// is released only once the job is gone from the finalized chain too.
async fn tend_data(client: Arc<FullClient>, store: Arc<depin_compute_data::store::DataStore>) {
	use depin_compute_data::store::JobState;
	use sc_client_api::{BlockchainEvents, HeaderBackend};
	let mut imported = client.import_notification_stream();
	while let Some(block) = imported.next().await {
		if !block.is_new_best {
			continue;
		}
		let finalized = client.info().finalized_hash;
		let tended = store.tend(|job| match job_state(&client, block.hash, job) {
			JobState::Gone if job_state(&client, finalized, job) == JobState::Gone => {
				JobState::Gone
			},
			JobState::Gone => JobState::Live,
			state => state,
		});
		if tended != Default::default() {
			log::info!(
				target: "compute::data",
				"💾 {} output(s) agreed on now served; {} content(s) of cleared jobs released ({} bytes)",
				tended.published,
				tended.released,
				tended.freed
			);
		}
	}
}

/// What the chain at `at` says of `job`, read from its record. A record this node cannot
/// read (a runtime that changed its layout) counts as a live job: its data is kept.
fn job_state(
	client: &FullClient,
	at: <Block as sp_runtime::traits::Block>::Hash,
	job: depin_compute_primitives::JobId,
) -> depin_compute_data::store::JobState {
	use depin_compute_data::store::JobState;
	use sc_client_api::StorageProvider;
	let key = pallet_jobs::JobRecords::<depin_runtime::Runtime>::hashed_key_for(job);
	match client.storage(at, &sp_core::storage::StorageKey(key)) {
		Ok(None) => JobState::Gone,
		Ok(Some(record)) => {
			match pallet_jobs::JobOf::<depin_runtime::Runtime>::decode(&mut &record.0[..]) {
				Ok(pallet_jobs::Job {
					status: pallet_jobs::JobStatus::Completed,
					result_hash: Some(hash),
					..
				}) => JobState::Agreed(hash),
				_ => JobState::Live,
			}
		},
		Err(_) => JobState::Live,
	}
}

/// The node's store of job data and its peer-to-peer protocol, before the network starts.
struct DataService {
	store: Arc<depin_compute_data::store::DataStore>,
	protocol: sc_network::ProtocolName,
	requests: async_channel::Receiver<sc_network::config::IncomingRequest>,
}

/// Opens the data store (`<chain folder>/compute-data`, bounded by `--compute-data-limit`)
/// and registers the protocol that serves it on the network configuration.
fn start_data_store<
	N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>,
>(
	config: &Configuration,
	compute: &crate::cli::ComputeParams,
	genesis_hash: &<Block as sp_runtime::traits::Block>::Hash,
	net_config: &mut sc_network::config::FullNetworkConfiguration<
		Block,
		<Block as sp_runtime::traits::Block>::Hash,
		N,
	>,
) -> Result<DataService, ServiceError> {
	use depin_compute_data::protocol;
	let dir = config
		.database
		.path()
		.and_then(|db| db.parent())
		.map(|chain| chain.join("compute-data"))
		.unwrap_or_else(|| config.base_path.path().join("compute-data"));
	let limit = compute.compute_data_limit.saturating_mul(1 << 20);
	let store = depin_compute_data::store::DataStore::open(&dir, limit).map_err(|e| {
		ServiceError::Other(format!("cannot open the data store in {}: {e}", dir.display()))
	})?;
	let protocol = protocol::protocol_name(genesis_hash.as_ref());
	let (tx, requests) = async_channel::bounded(protocol::INBOUND_QUEUE);
	net_config.add_request_response_protocol(N::request_response_config(
		protocol.clone(),
		Vec::new(),
		protocol::MAX_REQUEST,
		protocol::MAX_RESPONSE,
		protocol::REQUEST_TIMEOUT,
		Some(tx),
	));
	Ok(DataService { store: Arc::new(store), protocol, requests })
}

/// Host functions the runtime may call. Every node registers the same set, so that any
/// node can execute any block. The compute functions answer "unavailable" everywhere but in
/// off-chain workers (see `start_executor`).
pub type HostFunctions =
	(sp_io::SubstrateHostFunctions, depin_compute_primitives::host::compute::HostFunctions);

/// The wasm executor of the runtime.
pub type RuntimeExecutor = sc_executor::WasmExecutor<HostFunctions>;

pub(crate) type FullClient = sc_service::TFullClient<Block, RuntimeApi, RuntimeExecutor>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;

/// How often (in blocks) GRANDPA justifications are imported and generated at least.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// What a block's inherents are made from: its BABE slot and its timestamp.
type InherentProviders =
	(sp_consensus_babe::inherents::InherentDataProvider, sp_timestamp::InherentDataProvider);

/// Creates a block's inherent data providers (for authoring, and to check imported blocks).
type FullInherents = Arc<
	dyn sp_inherents::CreateInherentDataProviders<
		Block,
		(),
		InherentDataProviders = InherentProviders,
	>,
>;

type FullGrandpaImport =
	sc_consensus_grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>;

/// Block import: BABE's checks (slot, VRF, epochs, inherents), then GRANDPA's.
type FullBlockImport = sc_consensus_babe::BabeBlockImport<
	Block,
	FullClient,
	FullGrandpaImport,
	FullInherents,
	FullSelectChain,
>;

/// The inherent data providers of a block built on top of `parent`, in slots of
/// `slot_duration`.
fn inherents(slot_duration: sp_consensus_babe::SlotDuration) -> FullInherents {
	Arc::new(move |_parent, ()| async move {
		let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
		let slot =
			sp_consensus_babe::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
				*timestamp,
				slot_duration,
			);
		Ok((slot, timestamp))
	})
}

/// The parts of the service that subcommands (import, export, revert, ...) need too.
pub type Service = sc_service::PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	sc_consensus::DefaultImportQueue<Block>,
	sc_transaction_pool::TransactionPoolHandle<Block, FullClient>,
	(
		FullBlockImport,
		sc_consensus_babe::BabeLink<Block>,
		sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
		Option<Telemetry>,
	),
>;

/// Builds the client, database, transaction pool and import queue.
pub fn new_partial(config: &Configuration) -> Result<Service, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|x| !x.is_empty())
		.map(|endpoints| -> Result<_, sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = sc_service::new_wasm_executor::<HostFunctions>(&config.executor);
	let (client, backend, keystore_container, task_manager) =
		sc_service::new_full_parts::<Block, RuntimeApi, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			vec![],
		)?;
	let client = Arc::new(client);

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::from(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		&client,
		select_chain.clone(),
		telemetry.as_ref().map(|x| x.handle()),
	)?;

	let babe_config = sc_consensus_babe::configuration(&*client)?;
	let slot_duration = babe_config.slot_duration();
	let (block_import, babe_link) = sc_consensus_babe::block_import(
		babe_config,
		grandpa_block_import.clone(),
		client.clone(),
		inherents(slot_duration),
		select_chain.clone(),
		crate::offchain_pool::factory(transaction_pool.clone()),
	)?;

	let (import_queue, babe_worker) = sc_consensus_babe::import_queue(ImportQueueParams {
		link: babe_link.clone(),
		block_import: block_import.clone(),
		justification_import: Some(Box::new(grandpa_block_import)),
		client: client.clone(),
		slot_duration,
		spawner: &task_manager.spawn_essential_handle(),
		registry: config.prometheus_registry(),
		telemetry: telemetry.as_ref().map(|x| x.handle()),
	})?;
	// The BABE worker answers the node's epoch queries for as long as it runs, and stops
	// (an essential task: the node with it) when its last handle is dropped. Its only
	// other user would be BABE's RPC, which this node does not serve: keep it for the life
	// of the process.
	std::mem::forget(babe_worker);

	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, babe_link, grandpa_link, telemetry),
	})
}

/// Builds and starts a full node: networking, RPC, off-chain workers, and, on a
/// validator, BABE authoring and the GRANDPA voter.
pub fn new_full<
	N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>,
>(
	config: Configuration,
	compute: crate::cli::ComputeParams,
) -> Result<TaskManager, ServiceError> {
	let sc_service::PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, babe_link, grandpa_link, mut telemetry),
	} = new_partial(&config)?;

	let mut net_config = sc_network::config::FullNetworkConfiguration::<
		Block,
		<Block as sp_runtime::traits::Block>::Hash,
		N,
	>::new(&config.network, config.prometheus_registry().cloned());
	let metrics = N::register_notification_metrics(config.prometheus_registry());

	let peer_store_handle = net_config.peer_store_handle();
	let genesis_hash = client
		.block_hash(0)
		.ok()
		.flatten()
		.ok_or_else(|| ServiceError::Other("the database has no genesis block".into()))?;
	let grandpa_protocol_name =
		sc_consensus_grandpa::protocol_standard_name(&genesis_hash, &config.chain_spec);
	let (grandpa_protocol_config, grandpa_notification_service) =
		sc_consensus_grandpa::grandpa_peers_set_config::<_, N>(
			grandpa_protocol_name.clone(),
			metrics.clone(),
			peer_store_handle,
		);
	net_config.add_notification_protocol(grandpa_protocol_config);

	// Job data too large for a transaction: kept on disk, served to peers, fetched from them.
	let data = start_data_store(&config, &compute, &genesis_hash, &mut net_config)?;

	let warp_sync = Arc::new(sc_consensus_grandpa::warp_proof::NetworkProvider::new(
		backend.clone(),
		grandpa_link.shared_authority_set().clone(),
		Vec::default(),
	));

	// The bitswap handle is for IPFS-style block serving, which this chain does not offer.
	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: Some(WarpSyncConfig::WithProvider(warp_sync)),
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	if let Some(seed) = &config.dev_key_seed {
		// A development node computes out of the box: `//Alice` gets `//Alice//operator`, the
		// operator key the development presets register for Alice.
		keystore_container
			.keystore()
			.sr25519_generate_new(
				depin_compute_primitives::OPERATOR_KEY_TYPE,
				Some(&format!("{seed}//operator")),
			)
			.map_err(|e| ServiceError::Other(format!("cannot insert the dev operator key: {e}")))?;
	}

	// Job data from the store, fetched from the connected peers when it lacks some.
	let data_source = {
		let sync = sync_service.clone();
		Arc::new(depin_compute_data::source::PeerSource {
			store: data.store.clone(),
			network: Arc::new(network.clone()),
			protocol: data.protocol.clone(),
			peers: Arc::new(move || {
				let sync = sync.clone();
				Box::pin(async move {
					let peers = sync.peers_info().await.unwrap_or_default();
					peers.into_iter().map(|(peer, _)| peer).collect()
				})
			}),
		})
	};
	let executor = (config.offchain_worker.enabled && !compute.no_compute)
		.then(|| {
			start_executor(
				&compute,
				backend.offchain_storage(),
				config.prometheus_registry(),
				data_source.clone(),
			)
		})
		.transpose()?;

	if config.offchain_worker.enabled {
		let executor = executor.clone();
		let offchain_workers =
			sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
				runtime_api_provider: client.clone(),
				is_validator: config.role.is_authority(),
				keystore: Some(keystore_container.keystore()),
				offchain_db: backend.offchain_storage(),
				transaction_pool: Some(crate::offchain_pool::factory(transaction_pool.clone())),
				network_provider: Arc::new(network.clone()),
				enable_http_requests: false,
				// The executor behind the compute host functions, for off-chain workers only.
				custom_extensions: move |_| {
					executor
						.iter()
						.map(|e| {
							Box::new(ComputeExt::new(e.clone()))
								as Box<dyn sp_externalities::Extension>
						})
						.collect()
				},
			})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	let role = config.role;
	let force_authoring = config.force_authoring;
	let backoff_authoring_blocks: Option<()> = None;
	let name = config.network.node_name.clone();
	let enable_grandpa = !config.disable_grandpa;
	let prometheus_registry = config.prometheus_registry().cloned();

	task_manager.spawn_handle().spawn(
		"compute-data-server",
		Some("compute"),
		depin_compute_data::protocol::serve(data.store.clone(), data.requests),
	);

	// Job data lives as long as its jobs: outputs the chain agreed on are served to peers,
	// content of cleared jobs released.
	task_manager.spawn_handle().spawn(
		"compute-data-tend",
		Some("compute"),
		tend_data(client.clone(), data.store.clone()),
	);

	let rpc_extensions_builder = {
		let client = client.clone();
		let pool = transaction_pool.clone();
		let offchain = backend.offchain_storage();
		let data = data_source.clone();

		Box::new(move |_| {
			let deps = crate::rpc::FullDeps {
				client: client.clone(),
				pool: pool.clone(),
				offchain: offchain.clone(),
				data: data.clone(),
			};
			crate::rpc::create_full(deps).map_err(Into::into)
		})
	};

	let _rpc_handlers = sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network: Arc::new(network.clone()),
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder: rpc_extensions_builder,
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	if role.is_authority() {
		let proposer_factory = sc_basic_authorship::ProposerFactory::new(
			task_manager.spawn_handle(),
			client.clone(),
			transaction_pool.clone(),
			prometheus_registry.as_ref(),
			telemetry.as_ref().map(|x| x.handle()),
		);

		let slot_duration = babe_link.config().slot_duration();
		let babe = sc_consensus_babe::start_babe(BabeParams {
			keystore: keystore_container.keystore(),
			client,
			select_chain,
			env: proposer_factory,
			block_import,
			sync_oracle: sync_service.clone(),
			justification_sync_link: sync_service.clone(),
			create_inherent_data_providers: inherents(slot_duration),
			force_authoring,
			backoff_authoring_blocks,
			babe_link,
			block_proposal_slot_portion: SlotProportion::new(2f32 / 3f32),
			max_block_proposal_slot_portion: None,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
		})?;

		// Block authoring is essential: if it stops, the node stops with it.
		task_manager
			.spawn_essential_handle()
			.spawn_blocking("babe", Some("block-authoring"), babe);
	}

	if enable_grandpa {
		// Only an authority votes; others follow finality without a keystore.
		let keystore = if role.is_authority() { Some(keystore_container.keystore()) } else { None };

		let grandpa_config = sc_consensus_grandpa::Config {
			gossip_duration: Duration::from_millis(333),
			justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
			name: Some(name),
			observer_enabled: false,
			keystore,
			local_role: role,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			protocol_name: grandpa_protocol_name,
		};

		// Every node runs the full voter (non-authorities as non-voting participants): it
		// keeps vote and block data available better than the observer protocol.
		let grandpa_params = sc_consensus_grandpa::GrandpaParams {
			config: grandpa_config,
			link: grandpa_link,
			network,
			sync: Arc::new(sync_service),
			notification_service: grandpa_notification_service,
			voting_rule: sc_consensus_grandpa::VotingRulesBuilder::default().build(),
			prometheus_registry,
			shared_voter_state: SharedVoterState::empty(),
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			offchain_tx_pool_factory: crate::offchain_pool::factory(transaction_pool),
		};

		// Finality is essential too.
		task_manager.spawn_essential_handle().spawn_blocking(
			"grandpa-voter",
			None,
			sc_consensus_grandpa::run_grandpa_voter(grandpa_params)?,
		);
	}

	Ok(task_manager)
}
