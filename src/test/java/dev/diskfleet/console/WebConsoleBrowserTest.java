package dev.diskfleet.console;

import dev.diskfleet.support.BrowserTest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web console in a real browser (Debian's chromium and chromedriver, headless, 1280×800): sign in,
 * deploy a two-machine fleet through the form, see its members appear and change state live, power one on
 * and off, and find the fleet's disks in the image tree. Screenshots go to target/screenshots/. Without
 * chromium it skips locally and fails under CI=true.
 */
@BrowserTest
@ConsoleServiceTest
class WebConsoleBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Value("${diskfleet.data-dir}")
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void openBrowser() {
        QemuTools.requireOnPath("Debian packages chromium and chromium-driver", "chromium", "chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(QemuTools.onPathAt("chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,800", "--force-device-scale-factor=1");
        // The browser's console, to see whether the Content-Security-Policy refused anything the page does.
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(QemuTools.onPathAt("chromedriver")).toFile()).build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anAdminDeploysAFleetWatchesItLivePowersAMachineAndFindsItsDisksInTheImageTree() throws Exception {
        String golden = uploadGolden("golden-db");

        signIn(ConsoleServiceTest.ADMIN_TOKEN);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami"), "admin"));

        browser.get(url("/#/deploy"));
        WebElement form = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("deploy-form")));
        new Select(form.findElement(By.id("golden"))).selectByValue(golden);
        replace(form.findElement(By.id("fleet-name")), "pg-fleet");
        replace(form.findElement(By.id("fleet-size")), "2");
        replace(form.findElement(By.id("fleet-prefix")), "pg");
        replace(form.findElement(By.id("fleet-forwards")), "5432, 22");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("deploy-progress"), "succeeded"));
        assertThat(browser.findElement(By.id("deploy-progress")).getText()).contains("pg-1").contains("pg-2");

        browser.findElement(By.linkText("See the fleet")).click();
        By fleet = By.cssSelector("[data-fleet='pg-fleet']");
        By first = By.cssSelector("[data-fleet='pg-fleet'] tr[data-machine='pg-1']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(first, "poweredOff"));
        assertThat(browser.findElements(By.cssSelector("[data-fleet='pg-fleet'] tbody tr"))).hasSize(2);
        // Each member's forwards, where a client reaches them; and the fleet's inventory for Ansible.
        String firstSsh = browser.findElement(first).findElement(By.cssSelector("li[data-forward='22/tcp']")).getText();
        String secondSsh = browser.findElement(By.cssSelector("[data-fleet='pg-fleet'] tr[data-machine='pg-2']"
                + " li[data-forward='22/tcp']")).getText();
        assertThat(firstSsh).matches("22/tcp → 127\\.0\\.0\\.1:231\\d\\d");
        assertThat(secondSsh).startsWith("22/tcp → 127.0.0.1:").isNotEqualTo(firstSsh);
        browser.findElement(fleet).findElement(By.cssSelector("button[aria-label='Ansible inventory of pg-fleet']")).click();
        By inventory = By.cssSelector("[data-fleet='pg-fleet'] pre.inventory");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(inventory, "ansible_port"));
        assertThat(browser.findElement(inventory).getText()).contains("pg_fleet:").contains("pg-1:").contains("pg-2:")
                .contains("ansible_port: " + firstSsh.substring(firstSsh.lastIndexOf(':') + 1));
        assertThat(browser.findElement(fleet).findElement(By.linkText("Download")).getAttribute("download"))
                .isEqualTo("pg-fleet-inventory.yml");

        // The buttons only ask; the new state arrives through the event stream and redraws the row.
        browser.findElement(first).findElement(By.cssSelector("button[aria-label='Start pg-1']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(first, "running"));
        screenshot("fleets");
        browser.findElement(first).findElement(By.cssSelector("button[aria-label='Stop pg-1']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(first, "poweredOff"));

        // A change made elsewhere (here: through the API) shows up without reloading the page.
        String second = machineIdOf("pg-2");
        post("/api/machines/" + second + "/start");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("[data-fleet='pg-fleet'] tr[data-machine='pg-2']"), "running"));
        assertThat(browser.findElement(fleet).getText()).contains("saved");

        // The machine page: its disks by name, the last boot's console first, then the console as the guest writes it.
        Path log = dataDir.resolve("guests").resolve(second).resolve("console.log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, "pg-2 last boot: kernel ready\n");
        browser.findElement(By.cssSelector("[data-fleet='pg-fleet'] tr[data-machine='pg-2'] a")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#view h2"), "pg-2"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("pre.console"),
                "pg-2 last boot: kernel ready"));
        assertThat(browser.findElement(By.id("view")).getText()).contains("Disks").contains("immutable")
                .contains("Network").contains("reaches nothing but its forwards").contains("5432/tcp → 127.0.0.1:");
        List<WebElement> diskLinks = browser.findElements(By.cssSelector("a[data-image-link]"));
        assertThat(diskLinks).as("the disk's image and the machine's own disk, as links").hasSize(2);
        for (WebElement link : diskLinks) {
            assertThat(link.getAttribute("title")).matches("[0-9a-f-]{36}");
            assertThat(link.getText()).as("a disk shown by its image's name, not its id").isNotBlank()
                    .doesNotMatch("[0-9a-f-]{36}");
        }
        assertThat(browser.findElement(By.cssSelector("tr[data-disk='0:0']")).getText()).doesNotContain(
                diskLinks.get(0).getAttribute("title"));
        Files.writeString(log, "pg-2 login: \n", java.nio.file.StandardOpenOption.APPEND);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("pre.console"), "pg-2 login:"));
        assertThat(browser.findElement(By.cssSelector("pre.console")).getText())
                .as("the last boot's line before the new one").containsSubsequence("pg-2 last boot", "pg-2 login:");

        // The operations page says which fleet each operation concerns.
        browser.findElement(By.linkText("Operations")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-concerns='fleet']"),
                "fleet pg-fleet"));

        browser.findElement(By.linkText("Image tree")).click();
        By tree = By.cssSelector("ul.tree");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(tree, "disk of pg-2"));
        String text = browser.findElement(tree).getText();
        assertThat(text).contains("golden-db").contains("base of fleet pg-fleet").contains("disk of pg-1")
                .contains("disk of pg-2").contains("unique").contains("shared");
        screenshot("image-tree");

        // A golden uploaded from the console: the browser streams the file, the bar follows, the tree shows it.
        Path file = Files.createTempFile("console-golden", ".raw");
        try {
            Files.write(file, new byte[2 << 20]);
            WebElement uploadForm = browser.findElement(By.cssSelector("form[aria-label='Upload a golden image']"));
            uploadForm.findElement(By.id("golden-file")).sendKeys(file.toString());
            replace(uploadForm.findElement(By.id("golden-name")), "uploaded-golden");
            uploadForm.findElement(By.cssSelector("button[type=submit]")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("form[aria-label='Upload a golden"
                    + " image'] [role=status]"), "Uploaded uploaded-golden"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(tree, "uploaded-golden"));
            assertThat(JSON.readTree(send("GET", "/api/images?name=uploaded-golden", null).body()).get("items")
                    .get(0).get("sizeBytes").asLong()).isEqualTo(2L << 20);
        } finally {
            Files.deleteIfExists(file);
        }

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.findElement(By.linkText("Fleets")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(first, "poweredOff"));
        screenshot("fleets-narrow");
        assertNothingRefusedByTheContentSecurityPolicy();
    }

    @Test
    void aViewerSeesStateButNoButtonsItMayNotUse() throws Exception {
        JsonNode issued = JSON.readTree(send("POST", "/api/tokens", "{\"name\":\"browser-viewer\",\"role\":\"viewer\"}").body());
        signIn(issued.get("token").asString());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami"), "viewer"));
        assertThat(browser.findElement(By.linkText("Fleets")).isDisplayed()).isTrue();
        assertThat(browser.findElements(By.linkText("Deploy a fleet"))).allSatisfy(link -> assertThat(link.isDisplayed()).isFalse());
        browser.get(url("/#/machines"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#view h2")));
        assertThat(browser.findElements(By.xpath("//button[text()='Start']"))).isEmpty();

        // A guest's console is an operator's to read: the machine page shows no console and asks for none.
        String machine = JSON.readTree(send("POST", "/api/machines", "{\"name\":\"viewed-" + UUID.randomUUID()
                + "\"}").body()).get("id").asString();
        browser.get(url("/#/machines/" + machine));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "Snapshots"));
        assertThat(browser.findElements(By.cssSelector("pre.console"))).isEmpty();
        assertThat(browser.findElement(By.id("view")).getText()).doesNotContain("Console");
        assertNothingRefusedByTheContentSecurityPolicy();
    }

    @Test
    void aWrongTokenIsRefusedAndNothingIsShown() {
        signIn("not-a-token");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "not accepted"));
        assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();
        assertThat(browser.getCurrentUrl()).doesNotContain("not-a-token");
    }

    private void assertNothingRefusedByTheContentSecurityPolicy() {
        List<String> refused = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage).filter(message -> message.contains("Content Security Policy")).toList();
        assertThat(refused).isEmpty();
    }

    private void signIn(String token) {
        browser.get(url("/"));
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        input.sendKeys(token);
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    }

    private static void replace(WebElement input, String value) {
        input.clear();
        input.sendKeys(value);
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path target = SCREENSHOTS.resolve(name + ".png");
        Files.write(target, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /** A small raw disk with data in its first MiB, uploaded as a normal image; returns its id. */
    private String uploadGolden(String name) throws Exception {
        byte[] disk = new byte[4 << 20];
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        System.arraycopy(data, 0, disk, 0, data.length);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url("/api/images/uploads?name=" + name)))
                .header("Authorization", "Bearer " + ConsoleServiceTest.ADMIN_TOKEN)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(disk)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).get("id").asString();
    }

    private String machineIdOf(String name) throws Exception {
        JsonNode page = JSON.readTree(send("GET", "/api/machines?name=" + name, null).body());
        return page.get("items").get(0).get("id").asString();
    }

    private void post(String path) throws Exception {
        send("POST", path, null);
    }

    private HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", "Bearer " + ConsoleServiceTest.ADMIN_TOKEN)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return response;
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }
}
