package dev.roomkeeper.testing.arquillian;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.deployment.Deployment;
import org.jboss.arquillian.container.spi.client.deployment.DeploymentDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.context.annotation.DeploymentScoped;
import org.jboss.arquillian.container.spi.event.DeployDeployment;
import org.jboss.arquillian.container.spi.event.UnDeployDeployment;
import org.jboss.arquillian.container.spi.event.container.BeforeStop;
import org.jboss.arquillian.core.api.InstanceProducer;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.EventContext;
import org.jboss.shrinkwrap.api.Archive;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Keeps a deployment named {@code shared...} deployed across test classes. Payara Micro's managed adapter boots a
 * server on every deploy and stops it on undeploy (20-35 s each), so a deployment deployed once and undeployed
 * when the container stops (the end of the run) costs one boot for every class that names it. A different
 * deployment on the same container first stops the shared one: the adapter runs one server at a time.
 */
public class SharedDeployments {

    static final String PREFIX = "shared";
    private static final Logger LOG = Logger.getLogger(SharedDeployments.class.getName());

    private record Live(String key, Archive<?> archive, ProtocolMetaData metaData, DeployableContainer<?> container) {
    }

    /** The shared deployment each container runs, by container name. */
    private final Map<String, Live> live = new HashMap<>();

    @Inject
    @DeploymentScoped
    private InstanceProducer<ProtocolMetaData> protocolMetaData;

    @Inject
    @DeploymentScoped
    private InstanceProducer<DeploymentDescription> descriptions;

    @Inject
    @DeploymentScoped
    private InstanceProducer<Deployment> deployments;

    /** Runs inside the deployment context the core opens for the event (a lower precedence runs inside). */
    public void deploy(@Observes(precedence = -100) EventContext<DeployDeployment> context) throws Exception {
        DeployDeployment event = context.getEvent();
        Deployment deployment = event.getDeployment();
        DeploymentDescription description = deployment.getDescription();
        String key = key(description);
        Live current = live.get(event.getContainerName());
        if (current != null && current.key().equals(key)) {
            descriptions.set(description);
            deployments.set(deployment);
            protocolMetaData.set(current.metaData());
            deployment.deployed();
            LOG.fine(() -> "reusing the running deployment " + key);
            return;
        }
        if (current != null) {
            stop(event.getContainerName(), current);
        }
        context.proceed();
        if (key != null && deployment.isDeployed()) {
            live.put(event.getContainerName(), new Live(key, archive(description), protocolMetaData.get(),
                    event.getDeployableContainer()));
            LOG.info(() -> "deployed " + key + "; it stays deployed for the following test classes");
        }
    }

    public void undeploy(@Observes(precedence = -100) EventContext<UnDeployDeployment> context) {
        UnDeployDeployment event = context.getEvent();
        Live current = live.get(event.getContainerName());
        if (current != null && current.key().equals(key(event.getDeployment().getDescription()))) {
            return; // kept for the next class; undeployed before the container stops
        }
        context.proceed();
    }

    public void beforeStop(@Observes BeforeStop event) throws Exception {
        for (Iterator<Map.Entry<String, Live>> it = live.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Live> entry = it.next();
            if (entry.getValue().container() == event.getDeployableContainer()) {
                it.remove();
                undeploy(entry.getValue());
            }
        }
    }

    private void stop(String containerName, Live current) throws Exception {
        live.remove(containerName);
        undeploy(current);
    }

    private static void undeploy(Live current) throws Exception {
        LOG.info(() -> "undeploying the shared deployment " + current.key());
        current.container().undeploy(current.archive());
    }

    private static String key(DeploymentDescription description) {
        if (!description.isArchiveDeployment() || !description.getName().startsWith(PREFIX)) {
            return null;
        }
        return description.getName() + "/" + description.getArchive().getName();
    }

    private static Archive<?> archive(DeploymentDescription description) {
        return description.testable() ? description.getTestableArchive() : description.getArchive();
    }
}
