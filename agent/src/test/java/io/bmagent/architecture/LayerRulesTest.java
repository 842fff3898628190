package io.bmagent.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layer rules of docs/architecture.md, checked on the compiled main classes so that {@code mvn verify} guards
 * what the documents say: data flows gRPC service → domain → store → reconciler → card SPI → drivers, and only the
 * drivers know which card they drive.
 */
@AnalyzeClasses(packages = "io.bmagent", importOptions = ImportOption.DoNotIncludeTests.class)
class LayerRulesTest {

  /** The packages that must not know which card they run on: everything of the agent above the card SPI. */
  private static final String[] ABOVE_CARD = {
    "io.bmagent.api..",
    "io.bmagent.domain..",
    "io.bmagent.store..",
    "io.bmagent.reconcile..",
    "io.bmagent.events..",
    "io.bmagent.policy..",
    "io.bmagent.daemon..",
    "io.bmagent.metrics..",
    "io.bmagent.audit..",
    "io.bmagent.cli..",
    "io.bmagent.net.."
  };

  private static final String[] DRIVERS = {"io.bmagent.card.soft..", "io.bmagent.card.nativelib.."};

  /** JNA is allowed only where a native library is bound: the card ABI, TAP ioctls and vhost-user's mmap/eventfd. */
  private static final String[] JNA_BINDINGS = {
    "io.bmagent.card.nativelib..",
    "io.bmagent.card.soft.net.tap..",
    "io.bmagent.card.soft.net.underlay..",
    "io.bmagent.card.soft.vhost.sys.."
  };

  @ArchTest
  static final ArchRule domainKnowsNoTransport =
      noClasses()
          .that()
          .resideInAPackage("io.bmagent.domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.grpc..", "io.netty..")
          .because("the product's rules are the same whatever carries the request");

  @ArchTest
  static final ArchRule nothingAboveTheCardNamesADriver =
      noClasses()
          .that()
          .resideInAnyPackage(ABOVE_CARD)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(DRIVERS)
          .because("drivers are found through the SPI's providers, so the agent runs unchanged on either card");

  @ArchTest
  static final ArchRule theSpiNamesNoDriver =
      noClasses()
          .that()
          .resideInAPackage("io.bmagent.card")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(DRIVERS)
          .because("the SPI is what both drivers implement, not a view of one of them");

  @ArchTest
  static final ArchRule jnaOnlyInBindingPackages =
      noClasses()
          .that()
          .resideOutsideOfPackages(JNA_BINDINGS)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.sun.jna..")
          .because("a JNA call costs ~50 ns and its structures leak native layout: keep them behind a binding");

  @ArchTest
  static final ArchRule driversStayApart =
      noClasses()
          .that()
          .resideInAPackage("io.bmagent.card.soft..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.bmagent.card.nativelib..")
          .because("each driver stands alone behind the SPI");
}
