package hornet;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.kernel.api.connectioninfo.ClientConnectionInfo;
import org.neo4j.internal.kernel.api.security.AuthenticationResult;
import org.neo4j.internal.kernel.api.security.LoginContext;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.api.security.AuthManager;
import org.neo4j.kernel.api.security.AuthToken;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.internal.Version;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * HorNet's dev/test graph server: an embedded Neo4j 5.26 Community DBMS that
 * serves Bolt (no HTTP) on loopback, with authentication enabled.
 *
 * <pre>
 * java -cp 'lib/*:classes' hornet.Neo4jLauncher --home DIR [--logs DIR]
 *      [--host 127.0.0.1] [--port 7787] [--pagecache 256m] [--password PW]
 * </pre>
 *
 * Every option also reads an environment variable: NEO4J_HOME_DIR,
 * NEO4J_LOGS_DIR, NEO4J_BOLT_HOST, NEO4J_BOLT_PORT, NEO4J_PAGECACHE and
 * NEO4J_PASSWORD (prefer the variable for the password: argv is visible in ps).
 *
 * <p>Authentication: user {@code neo4j} gets the given password with no change
 * required. On the very first start (no system database yet) the DBMS is first
 * brought up with Bolt closed, the password is set, and it is shut down again,
 * so the factory default neo4j/neo4j is never reachable over the network. On
 * every later start the password is checked in-process and, if it differs, set
 * again through the system database, so NEO4J_PASSWORD is always the one in
 * force.
 *
 * <p>Prints one line starting with {@code READY } once the password is in
 * force and Bolt is listening. SIGTERM (or SIGINT) shuts the DBMS down cleanly.
 */
public final class Neo4jLauncher {
    private static final String USER = "neo4j";
    private static final PrintStream OUT = System.out;

    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parseArgs(args);
        Path home = Path.of(opt(opts, "home", "NEO4J_HOME_DIR", null, true)).toAbsolutePath();
        String logsOpt = opt(opts, "logs", "NEO4J_LOGS_DIR", null, false);
        Path logs = logsOpt == null ? home.resolve("logs") : Path.of(logsOpt).toAbsolutePath();
        String host = opt(opts, "host", "NEO4J_BOLT_HOST", "127.0.0.1", false);
        int port = Integer.parseInt(opt(opts, "port", "NEO4J_BOLT_PORT", "7787", false));
        long pageCache = ByteUnit.parse(opt(opts, "pagecache", "NEO4J_PAGECACHE", "256m", false));
        String password = opt(opts, "password", "NEO4J_PASSWORD", null, true);
        if (password.length() < 8) {
            fail("the password must have at least 8 characters (Neo4j's minimum)");
        }
        Files.createDirectories(home);
        Files.createDirectories(logs);

        Instant t0 = Instant.now();
        say("starting Neo4j (pid " + ProcessHandle.current().pid() + ", java "
                + Runtime.version() + ", max heap " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB, page cache " + (pageCache >> 20) + " MiB) home=" + home);

        boolean fresh = !Files.isDirectory(home.resolve("data").resolve("databases").resolve("system"));
        if (fresh) {
            say("first start: creating the system database and setting the neo4j password (Bolt closed)");
            DatabaseManagementService boot = build(home, logs, host, port, pageCache, false);
            try {
                setPassword(boot, password, true);
            } finally {
                boot.shutdown();
            }
        }

        DatabaseManagementService dbms = build(home, logs, host, port, pageCache, true);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("shutdown requested: stopping the DBMS");
            try {
                dbms.shutdown();
                say("STOPPED cleanly");
            } catch (Throwable e) {
                say("error during shutdown: " + e);
                e.printStackTrace(OUT);
            } finally {
                OUT.flush();
                stopped.countDown();
            }
        }, "hornet-neo4j-shutdown"));

        try {
            if (!fresh) {
                setPassword(dbms, password, false);
            }
            say("READY bolt://" + host + ":" + port + " user=" + USER + " neo4j=" + Version.getNeo4jVersion()
                    + " databases=" + dbms.listDatabases() + " in "
                    + Duration.between(t0, Instant.now()).toMillis() + " ms");
        } catch (Throwable e) {
            say("startup failed: " + e);
            e.printStackTrace(OUT);
            OUT.flush();
            System.exit(1); // runs the shutdown hook
        }
        stopped.await();
    }

    private static DatabaseManagementService build(
            Path home, Path logs, String host, int port, long pageCache, boolean bolt) {
        return new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(new Log4jLogProvider(OUT, Level.INFO))
                .setConfig(GraphDatabaseSettings.logs_directory, logs)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                // Small dev/test stores: do not preallocate 256 MiB transaction
                // logs per database, and keep only a couple of them.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(64))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Only the Bolt port: no HTTP(S), and no server-side routing
                // connector (it would take a fixed port, 7688, on every stack).
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.routing_enabled, false)
                .setConfig(BoltConnector.enabled, bolt)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                // Netty waits a 5 s quiet period per event loop group (two of
                // them) on shutdown; the databases are already stopped by then.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();
    }

    /**
     * Sets the neo4j user's password through the system database, as an admin
     * command (the embedded API runs with full privileges). On a later start
     * the password is first checked in-process (no Cypher: the first Cypher
     * query of a fresh JVM costs seconds); only a different one is applied.
     */
    private static void setPassword(DatabaseManagementService dbms, String password, boolean fresh) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        if (!fresh && passwordInForce(system, password)) {
            say("password for user neo4j unchanged");
            return;
        }
        try {
            system.executeTransactionally(
                    "ALTER USER " + USER + " SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            say(fresh ? "password for user neo4j set" : "password for user neo4j changed to NEO4J_PASSWORD");
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to the one already set.
            if (!fresh && messages(e).contains("cannot be the same")) {
                say("password for user neo4j unchanged");
                return;
            }
            throw e;
        }
    }

    /** Logs in as neo4j in-process, the way Bolt does; false if that fails for any reason. */
    private static boolean passwordInForce(GraphDatabaseService system, String password) {
        try {
            AuthManager auth = ((GraphDatabaseAPI) system).getDependencyResolver().resolveDependency(AuthManager.class);
            LoginContext login = auth.login(
                    AuthToken.newBasicAuthToken(USER, password.getBytes(StandardCharsets.UTF_8)),
                    ClientConnectionInfo.EMBEDDED_CONNECTION);
            return login.subject().getAuthenticationResult() == AuthenticationResult.SUCCESS;
        } catch (Exception e) {
            say("could not check the current password in-process (" + e + "); setting it");
            return false;
        }
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }

    private static Map<String, String> parseArgs(String[] args) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                fail("unexpected argument: " + a);
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                fail("missing value for " + a);
                return m;
            }
            if (!java.util.Set.of("home", "logs", "host", "port", "pagecache", "password").contains(key)) {
                fail("unknown option --" + key);
            }
            m.put(key, value);
        }
        return m;
    }

    private static String opt(Map<String, String> opts, String key, String env, String dflt, boolean required) {
        String v = opts.get(key);
        if (v == null || v.isEmpty()) {
            v = System.getenv(env);
        }
        if (v == null || v.isEmpty()) {
            v = dflt;
        }
        if (v == null && required) {
            fail("--" + key + " (or " + env + ") is required");
        }
        return v;
    }

    private static void say(String msg) {
        OUT.println(Instant.now() + " [hornet-neo4j] " + msg);
        OUT.flush();
    }

    private static void fail(String msg) {
        say("error: " + msg);
        System.exit(2);
    }
}
